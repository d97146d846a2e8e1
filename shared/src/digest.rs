//! Hex spelling of digests (the hashes the builders, the plan and the configuration record).

/// `bytes` as lowercase hex, two digits each.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_lowercase_digits_per_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xab]), "000fab");
        assert_eq!(super::hex(&[]), "");
    }
}
