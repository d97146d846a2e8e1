//! Vocabulary shared by the desired and the observed state: role attributes, memberships,
//! privileges and default privileges.

use std::fmt;

/// The attributes of a role that `spec.users` flags control (one field per `pg_authid` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleAttributes {
    pub superuser: bool,
    pub inherit: bool,
    pub createrole: bool,
    pub createdb: bool,
    pub login: bool,
    pub replication: bool,
    pub bypassrls: bool,
}

impl RoleAttributes {
    /// PostgreSQL's defaults for `CREATE ROLE … LOGIN`: everything off except INHERIT and LOGIN.
    pub const LOGIN: RoleAttributes = RoleAttributes {
        superuser: false,
        inherit: true,
        createrole: false,
        createdb: false,
        login: true,
        replication: false,
        bypassrls: false,
    };

    /// A group role: like [`Self::LOGIN`] without LOGIN.
    pub const NOLOGIN: RoleAttributes = RoleAttributes {
        login: false,
        ..Self::LOGIN
    };

    /// `(positive keyword, negative keyword, value)` for each attribute, in a fixed order.
    pub fn keywords(&self) -> [(&'static str, &'static str, bool); 7] {
        [
            ("SUPERUSER", "NOSUPERUSER", self.superuser),
            ("INHERIT", "NOINHERIT", self.inherit),
            ("CREATEROLE", "NOCREATEROLE", self.createrole),
            ("CREATEDB", "NOCREATEDB", self.createdb),
            ("LOGIN", "NOLOGIN", self.login),
            ("REPLICATION", "NOREPLICATION", self.replication),
            ("BYPASSRLS", "NOBYPASSRLS", self.bypassrls),
        ]
    }

    /// The keywords of all attributes (`NOSUPERUSER INHERIT … LOGIN …`).
    pub fn to_sql(&self) -> String {
        self.keywords()
            .iter()
            .map(|(on, off, v)| if *v { *on } else { *off })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The keywords of the attributes that differ from `current`, or `None` when none does.
    pub fn diff_sql(&self, current: &RoleAttributes) -> Option<String> {
        let words: Vec<&str> = self
            .keywords()
            .iter()
            .zip(current.keywords().iter())
            .filter(|(want, have)| want.2 != have.2)
            .map(|(want, _)| if want.2 { want.0 } else { want.1 })
            .collect();
        if words.is_empty() {
            None
        } else {
            Some(words.join(" "))
        }
    }
}

/// `member` is a member of the group role `group`, optionally `WITH ADMIN OPTION`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Membership {
    pub group: String,
    pub member: String,
    pub admin: bool,
}

/// A privilege as `aclexplode` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Privilege {
    Select,
    Insert,
    Update,
    Delete,
    Truncate,
    References,
    Trigger,
    Execute,
    Usage,
    Create,
    Maintain,
}

impl Privilege {
    /// The SQL keyword.
    pub fn as_sql(self) -> &'static str {
        match self {
            Privilege::Select => "SELECT",
            Privilege::Insert => "INSERT",
            Privilege::Update => "UPDATE",
            Privilege::Delete => "DELETE",
            Privilege::Truncate => "TRUNCATE",
            Privilege::References => "REFERENCES",
            Privilege::Trigger => "TRIGGER",
            Privilege::Execute => "EXECUTE",
            Privilege::Usage => "USAGE",
            Privilege::Create => "CREATE",
            Privilege::Maintain => "MAINTAIN",
        }
    }

    /// Parses `aclexplode`'s `privilege_type`; unknown kinds give `None` (and are ignored).
    pub fn from_sql(s: &str) -> Option<Privilege> {
        Some(match s {
            "SELECT" => Privilege::Select,
            "INSERT" => Privilege::Insert,
            "UPDATE" => Privilege::Update,
            "DELETE" => Privilege::Delete,
            "TRUNCATE" => Privilege::Truncate,
            "REFERENCES" => Privilege::References,
            "TRIGGER" => Privilege::Trigger,
            "EXECUTE" => Privilege::Execute,
            "USAGE" => Privilege::Usage,
            "CREATE" => Privilege::Create,
            "MAINTAIN" => Privilege::Maintain,
            _ => return None,
        })
    }
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_sql())
    }
}

/// The kinds of objects default privileges apply to (`pg_default_acl.defaclobjtype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    Tables,
    Sequences,
    Functions,
    Types,
    Schemas,
}

impl ObjectKind {
    /// The keyword of `ALTER DEFAULT PRIVILEGES … ON <kind>`.
    pub fn as_sql(self) -> &'static str {
        match self {
            ObjectKind::Tables => "TABLES",
            ObjectKind::Sequences => "SEQUENCES",
            ObjectKind::Functions => "FUNCTIONS",
            ObjectKind::Types => "TYPES",
            ObjectKind::Schemas => "SCHEMAS",
        }
    }

    /// Parses `pg_default_acl.defaclobjtype` (`r`, `S`, `f`, `T`, `n`).
    pub fn from_catalog(code: &str) -> Option<ObjectKind> {
        Some(match code {
            "r" => ObjectKind::Tables,
            "S" => ObjectKind::Sequences,
            "f" => ObjectKind::Functions,
            "T" => ObjectKind::Types,
            "n" => ObjectKind::Schemas,
            _ => return None,
        })
    }
}

/// One default privilege: objects of `kind` created by `owner` (in `schema`, or anywhere in the
/// database when `None`) get `privilege` for `grantee`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DefaultPrivilege {
    pub owner: String,
    pub schema: Option<String>,
    pub kind: ObjectKind,
    pub grantee: String,
    pub privilege: Privilege,
}

/// One privilege on a schema (`GRANT USAGE ON SCHEMA s TO grantee`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaGrant {
    pub schema: String,
    pub grantee: String,
    pub privilege: Privilege,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_sql() {
        assert_eq!(
            RoleAttributes::LOGIN.to_sql(),
            "NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS"
        );
        let want = RoleAttributes {
            createdb: true,
            ..RoleAttributes::NOLOGIN
        };
        assert_eq!(
            want.diff_sql(&RoleAttributes::LOGIN).as_deref(),
            Some("CREATEDB NOLOGIN")
        );
        assert_eq!(want.diff_sql(&want), None);
    }

    #[test]
    fn catalog_codes() {
        assert_eq!(ObjectKind::from_catalog("S"), Some(ObjectKind::Sequences));
        assert_eq!(ObjectKind::from_catalog("L"), None);
        assert_eq!(Privilege::from_sql("USAGE"), Some(Privilege::Usage));
        assert_eq!(Privilege::from_sql("X"), None);
    }
}
