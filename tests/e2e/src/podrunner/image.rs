//! The images the runner knows, and how each would run a container: pure.
//!
//! A container whose image is of a known family runs here, as that image would run it; a pod
//! none of whose images is known is left to kwok's fake lifecycle (see [`super::claim`]).
//!
//! | family | recognised by (repository name) | runs |
//! |---|---|---|
//! | Spilo | `spilo`, `spilo-NN` | no `command`/`args`: Patroni as `postgres` (Spilo's `launch.sh`); otherwise `command` + `args` (or `args`) as root |
//!
//! The families of the reference's PgBouncer and logical-backup images come with the pooler
//! and backup features (their contracts are those features' own).

use std::collections::BTreeMap;
use std::path::Path;

use k8s_openapi::api::core::v1::Container;

use super::env;

/// A family of images the runner can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Zalando's Spilo (PostgreSQL with Patroni).
    Spilo,
}

/// The repository's last path component, without tag or digest:
/// `ghcr.io/zalando/spilo-17:4.0-p2` → `spilo-17`.
pub fn repository_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

/// The family of `image`, if the runner knows it.
pub fn family(image: &str) -> Option<Family> {
    let name = repository_name(image);
    let spilo = name == "spilo"
        || name
            .strip_prefix("spilo-")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()));
    spilo.then_some(Family::Spilo)
}

/// What a container of a known image runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entrypoint {
    /// Spilo's own start: Patroni, configured from the environment, as `postgres`.
    Patroni,
    /// A command (`command` + `args` with `$(VAR)` expanded), run as the image's user.
    Command(Vec<String>),
}

/// What `container` (of `family`) runs with environment `env`: the image's default, or the
/// `command`/`args` the pod gives (expanded as the kubelet expands them).
pub fn entrypoint(
    family: Family,
    container: &Container,
    env: &BTreeMap<String, String>,
) -> Entrypoint {
    let expand = |v: &Vec<String>| v.iter().map(|a| env::expand(a, env)).collect::<Vec<_>>();
    let command = container.command.as_ref().filter(|c| !c.is_empty());
    let args = container.args.as_ref().filter(|a| !a.is_empty());
    match (family, command, args) {
        (Family::Spilo, None, None) => Entrypoint::Patroni,
        // Spilo has no ENTRYPOINT, only a CMD: `args` alone replace it.
        (Family::Spilo, None, Some(args)) => Entrypoint::Command(expand(args)),
        (Family::Spilo, Some(command), args) => {
            let mut all = expand(command);
            if let Some(args) = args {
                all.extend(expand(args));
            }
            Entrypoint::Command(all)
        }
    }
}

/// The environment the image sets (its `ENV` lines), under the container's own: PostgreSQL's
/// and Patroni's programs (`patronictl`) on the `PATH`, as in Spilo.
pub fn image_env(family: Family, pg_bin_dir: &Path, patroni: &Path) -> BTreeMap<String, String> {
    match family {
        Family::Spilo => {
            let home = "/home/postgres";
            let pgroot = format!("{home}/pgdata/pgroot");
            [
                (
                    "PATH",
                    // Patroni's first, as Spilo's in /usr/local/bin: a Debian `patroni`
                    // package on this machine is not the pods' Patroni.
                    format!(
                        "{}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:{}",
                        patroni.parent().unwrap_or(Path::new("/")).display(),
                        pg_bin_dir.display(),
                    ),
                ),
                ("PGHOME", home.to_string()),
                ("PGDATA", format!("{pgroot}/data")),
                ("PGLOG", format!("{pgroot}/pg_log")),
                ("PGROOT", pgroot),
                ("LANG", "C.UTF-8".to_string()),
                ("LC_ALL", "C.UTF-8".to_string()),
                ("HOME", "/root".to_string()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
        }
    }
}

/// The image's working directory (`WORKDIR`).
pub fn working_dir(family: Family) -> &'static str {
    match family {
        Family::Spilo => "/home/postgres",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(command: Option<&[&str]>, args: Option<&[&str]>) -> Container {
        Container {
            name: "c".into(),
            image: Some("ghcr.io/zalando/spilo-17:4.0-p2".into()),
            command: command.map(|c| c.iter().map(|s| s.to_string()).collect()),
            args: args.map(|a| a.iter().map(|s| s.to_string()).collect()),
            ..Container::default()
        }
    }

    #[test]
    fn families_are_known_by_repository_name() {
        assert_eq!(
            family("ghcr.io/zalando/spilo-17:4.0-p2"),
            Some(Family::Spilo)
        );
        assert_eq!(
            family("registry.opensource.zalan.do/acid/spilo-16:3.2-p3"),
            Some(Family::Spilo)
        );
        assert_eq!(family("spilo@sha256:abcd"), Some(Family::Spilo));
        assert_eq!(family("registry:5000/spilo-cdp:1"), None);
        assert_eq!(family("busybox:1.36"), None);
        assert_eq!(family("localhost:5000/pgbouncer"), None);
        assert_eq!(repository_name("localhost:5000/team/spilo-15"), "spilo-15");
    }

    #[test]
    fn spilo_runs_patroni_unless_the_pod_gives_a_command() {
        let env: BTreeMap<String, String> =
            [("DB".to_string(), "x".to_string())].into_iter().collect();
        assert_eq!(
            entrypoint(Family::Spilo, &container(None, None), &env),
            Entrypoint::Patroni
        );
        assert_eq!(
            entrypoint(
                Family::Spilo,
                &container(Some(&["sh", "-c"]), Some(&["echo $(DB) $$(DB)"])),
                &env
            ),
            Entrypoint::Command(vec!["sh".into(), "-c".into(), "echo x $(DB)".into()])
        );
        assert_eq!(
            entrypoint(Family::Spilo, &container(None, Some(&["true"])), &env),
            Entrypoint::Command(vec!["true".into()])
        );
    }
}
