//! SCRAM-SHA-256 verifiers compared with verifiers produced by a real PostgreSQL 15 server
//! (`SET password_encryption = 'scram-sha-256'; CREATE ROLE x PASSWORD '…'`, then
//! `pg_authid.rolpassword`). The live comparison is also made in
//! `controller/tests/sql_provision.rs`.

use base64::Engine as _;
use pgctl_shared::password::{self, scram_verifier, verifier_matches};

/// (password, verifier the server stored)
const SERVER_VECTORS: [(&str, &str); 3] = [
    (
        "p",
        "SCRAM-SHA-256$4096:W0Q++nlMgwkzbilUZYzLvw==$mwOUZvWG1DnmknQKQ0H355upRM7ZMv8NrsBPHgOmcXs=:y9UCCVZ++FjZKPodLVTm2JxtvSAZNpKi4iMzJX5sQQs=",
    ),
    // Non-ASCII, with a character SASLprep normalises (U+2168 ROMAN NUMERAL NINE → "IX").
    (
        "pässwörd Ⅸ",
        "SCRAM-SHA-256$4096:hIBmvSQ90g5/9s1J6GLX0w==$VMC8fh1ct26/gnbz+w299HsYq+rxpFcyaowO7hbn2ng=:vxfharBCaaTg7YTsywcSOmrxMO2xpY788ujnZp6AUuA=",
    ),
    (
        "Correct-Horse_Battery staple!",
        "SCRAM-SHA-256$4096:bDw3vXuxZPMOQqGOK/AjrA==$Qbuh4lWdiRACqzgszV8GPVhBGb1ndj9w4i0CDWK64eY=:2PxhtfvU6r5H08FFdaWK+ZUBpksT+vq4mPI4YAQtdXk=",
    ),
];

fn salt_of(verifier: &str) -> Vec<u8> {
    let salt_b64 = verifier
        .split('$')
        .nth(1)
        .and_then(|s| s.split(':').nth(1))
        .unwrap_or_default();
    base64::engine::general_purpose::STANDARD
        .decode(salt_b64)
        .unwrap_or_default()
}

#[test]
fn recomputing_with_the_server_salt_gives_the_server_verifier() {
    for (pw, stored) in SERVER_VECTORS {
        let ours = scram_verifier(pw, &salt_of(stored)).map(|v| v.expose().to_string());
        assert_eq!(ours.as_deref(), Ok(stored), "password {pw:?}");
    }
}

#[test]
fn server_verifiers_match_their_password_only() {
    for (pw, stored) in SERVER_VECTORS {
        assert!(verifier_matches(pw, stored), "password {pw:?}");
        assert!(!verifier_matches(&format!("{pw}x"), stored));
    }
    // The SASLprep-equivalent spelling matches too, as it does on the server.
    assert!(verifier_matches("pässwörd IX", SERVER_VECTORS[1].1));
}

#[test]
fn malformed_or_foreign_stored_values_never_match() {
    for stored in [
        "",
        "p",
        "md5d41d8cd98f00b204e9800998ecf8427e",
        "SCRAM-SHA-256$0:AAAA$AAAA:AAAA",
        "SCRAM-SHA-256$4096:!!!$x:y",
        "SCRAM-SHA-256$99999999:W0Q++nlMgwkzbilUZYzLvw==$mwOUZvWG1DnmknQKQ0H355upRM7ZMv8NrsBPHgOmcXs=:y9UCCVZ++FjZKPodLVTm2JxtvSAZNpKi4iMzJX5sQQs=",
    ] {
        assert!(!verifier_matches("p", stored), "{stored:?}");
    }
}

#[test]
fn fresh_salts_give_different_verifiers_that_both_match() {
    let a = scram_verifier("same", b"salt-number-one!").map(|v| v.expose().to_string());
    let b = scram_verifier("same", b"salt-number-two!").map(|v| v.expose().to_string());
    assert_ne!(a, b);
    for v in [a, b].into_iter().flatten() {
        assert!(verifier_matches("same", &v));
        assert!(v.starts_with(&format!("SCRAM-SHA-256${}:", password::SCRAM_ITERATIONS)));
    }
}
