//! `pgctl test [NAME…] [-l SELECTOR] [-A]`: connects to every instance of each cluster and to
//! its master and replica Services (`select` as the superuser from its Secret), checks each
//! server's role against its pod's label or its Service's role, and the replicas' lag behind
//! the master; a table (or `-o json`), exit 1 when anything is down or wrong. Clusters are
//! tested concurrently (`--concurrency`).

use std::time::{Duration, Instant};

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use futures::StreamExt;
use k8s_openapi::api::core::v1::{Endpoints, Pod};
use kube::api::Api;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;
use pgctl_shared::{naming, probe};
use serde::Serialize;

use crate::args::OutputFormat;
use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::fleet::Fleet;
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube};
use crate::output::{self, Styled};
use crate::pg;
use crate::ui::{Tone, Ui};

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Names of the clusters (default with -l or -A: the selected ones).
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub names: Vec<String>,
    /// The clusters matching this label selector, e.g. `team=acid`.
    #[arg(short = 'l', long, value_name = "SELECTOR", conflicts_with = "names")]
    pub selector: Option<String>,
    /// Clusters of every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Output format: table, or json for scripts.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
    /// How many clusters are tested at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
    /// How long one connection may take.
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = crate::global::parse_duration)]
    pub connect_timeout: Duration,
}

pub const EXAMPLES: &str = "Examples:
  pgctl test acid-foo
  pgctl test -l team=acid
  pgctl test -A -o json | jq '.[] | select(.up | not)'";

/// One connection's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub namespace: String,
    pub cluster: String,
    /// The pod, or the Service.
    pub target: String,
    /// `instance` or `service`.
    pub kind: &'static str,
    /// The server's role (`master`, `replica`) when it answered.
    pub role: Option<String>,
    pub up: bool,
    pub latency_ms: Option<u64>,
    /// A replica's replay position behind its master's current one, in bytes.
    pub lag_bytes: Option<u64>,
    /// What is wrong: the connection's error, or a role that is not the expected one.
    pub problem: Option<String>,
    #[serde(skip)]
    position: Option<String>,
}

impl Check {
    pub fn healthy(&self) -> bool {
        self.up && self.problem.is_none()
    }
}

pub async fn run(args: TestArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    if args.names.is_empty() && args.selector.is_none() && !args.all_namespaces {
        return Err(exit::usage(
            "name the clusters to test, or select them with -l or -A",
        ));
    }
    if args
        .selector
        .as_deref()
        .is_some_and(|s| s.trim().is_empty())
    {
        return Err(exit::usage("-l needs a label selector, e.g. -l team=acid"));
    }
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    let clusters = select(&kube, &args).await?;
    let fleet = Fleet::load(
        &kube,
        &config,
        clusters
            .iter()
            .filter_map(|pg| pg.metadata.namespace.as_deref()),
    )
    .await?;
    let (kube, config, fleet) = (&kube, &config, &fleet);
    let timeout = args.connect_timeout;
    let mut checks: Vec<Check> = futures::stream::iter(clusters)
        .map(|pg| async move { test_cluster(kube, config, fleet, &pg, timeout).await })
        .buffer_unordered(usize::from(args.concurrency))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flatten()
        .collect();
    checks.sort_by(|a, b| {
        (&a.namespace, &a.cluster, a.kind, &a.target).cmp(&(
            &b.namespace,
            &b.cluster,
            b.kind,
            &b.target,
        ))
    });
    let failed = checks.iter().filter(|c| !c.healthy()).count();
    match args.output {
        OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Name => {
            print!("{}", output::json(&checks)?);
        }
        OutputFormat::Table | OutputFormat::Wide => {
            print!("{}", render(&checks, ui));
            let clusters: std::collections::BTreeSet<_> =
                checks.iter().map(|c| (&c.namespace, &c.cluster)).collect();
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            println!(
                "\n{}, {}, {failed} down or wrong",
                plural(clusters.len(), "cluster"),
                plural(checks.len(), "connection")
            );
        }
    }
    Ok(Code::of_failures(failed))
}

/// The clusters asked for: by name in the namespace, or by selector here or everywhere.
async fn select(kube: &Kube, args: &TestArgs) -> anyhow::Result<Vec<Postgresql>> {
    if !args.names.is_empty() {
        let mut found = Vec::new();
        for name in &args.names {
            found.push(kube.get_cluster(name).await?);
        }
        return Ok(found);
    }
    let listed = kube
        .list_clusters(args.all_namespaces, args.selector.as_deref())
        .await?;
    if listed.is_empty() {
        anyhow::bail!("no cluster matches");
    }
    Ok(listed)
}

/// Every instance and both Services of one cluster.
async fn test_cluster(
    kube: &Kube,
    config: &OperatorConfig,
    fleet: &Fleet,
    pg: &Postgresql,
    timeout: Duration,
) -> Vec<Check> {
    let name = pg.metadata.name.clone().unwrap_or_default();
    let namespace = pg.metadata.namespace.clone().unwrap_or_default();
    let check = |target: &str, kind: &'static str| Check {
        namespace: namespace.clone(),
        cluster: name.clone(),
        target: target.to_string(),
        kind,
        role: None,
        up: false,
        latency_ms: None,
        lag_bytes: None,
        problem: None,
        position: None,
    };
    let password = match fleet.password(config, &namespace, &name, &config.super_username) {
        Ok(password) => password,
        Err(problem) => {
            let mut c = check(&config.secret_name(&config.super_username, &name), "secret");
            c.problem = Some(problem);
            return vec![c];
        }
    };
    let pods: Vec<Pod> = fleet.pods(config, &namespace, &name).cloned().collect();
    let login = pg::Login {
        user: &config.super_username,
        password: &password,
        database: "postgres",
        port: 5432,
    };
    let mut checks = Vec::new();
    for pod in &pods {
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let label = pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(&config.pod_role_label))
            .cloned();
        let mut c = check(&pod_name, "instance");
        connect(kube, pod, &login, timeout, label.as_deref(), &mut c).await;
        checks.push(c);
    }
    // The Services: through the pod behind each (as a port-forward to a Service does).
    let endpoints: Api<Endpoints> = Api::namespaced(kube.client.clone(), &namespace);
    for (service, role) in [
        (naming::master_service(&name), "master"),
        (naming::replica_service(&name), "replica"),
    ] {
        if pg.spec.number_of_instances < 2 && role == "replica" {
            continue;
        }
        let mut c = check(&service, "service");
        let behind = endpoints
            .get_opt(&service)
            .await
            .ok()
            .flatten()
            .and_then(|e| e.subsets)
            .into_iter()
            .flatten()
            .flat_map(|s| s.addresses.unwrap_or_default())
            .find_map(|a| a.target_ref.and_then(|t| t.name).or(Some(a.ip)));
        match behind.and_then(|b| {
            pods.iter().find(|p| {
                p.metadata.name.as_deref() == Some(b.as_str())
                    || p.status.as_ref().and_then(|s| s.pod_ip.as_deref()) == Some(b.as_str())
            })
        }) {
            Some(pod) => connect(kube, pod, &login, timeout, Some(role), &mut c).await,
            None => c.problem = Some("no ready endpoint".to_string()),
        }
        checks.push(c);
    }
    // Lag of the replicas behind the master's position.
    let master = checks
        .iter()
        .find(|c| c.kind == "instance" && c.role.as_deref() == Some("master"))
        .and_then(|c| c.position.clone());
    if let Some(master) = master {
        for c in checks
            .iter_mut()
            .filter(|c| c.role.as_deref() == Some("replica"))
        {
            c.lag_bytes = c
                .position
                .as_deref()
                .and_then(|p| probe::lag_bytes(&master, p));
        }
    }
    checks
}

/// One connection: up, latency, role (checked against `expected`), WAL position.
async fn connect(
    kube: &Kube,
    pod: &Pod,
    login: &pg::Login<'_>,
    timeout: Duration,
    expected: Option<&str>,
    check: &mut Check,
) {
    let sql = "select pg_is_in_recovery() as recovery, \
               case when pg_is_in_recovery() then pg_last_wal_replay_lsn() \
               else pg_current_wal_lsn() end::text as position";
    let started = Instant::now();
    match tokio::time::timeout(timeout, pg::query_pod(kube, pod, login, sql)).await {
        Ok(Ok(rows)) => {
            check.latency_ms = Some(started.elapsed().as_millis() as u64);
            let row = rows.first();
            let in_recovery = row
                .and_then(|r| r.get("recovery"))
                .is_some_and(|v| v == "t");
            check.up = true;
            check.role = Some(probe::role(in_recovery).to_string());
            check.position = row.and_then(|r| r.get("position")).cloned();
            check.problem = probe::role_problem(expected, in_recovery);
        }
        Ok(Err(e)) => check.problem = Some(e),
        Err(_) => check.problem = Some(format!("no answer within {} ms", timeout.as_millis())),
    }
}

fn render(checks: &[Check], ui: &Ui) -> String {
    let rows: Vec<Vec<Styled>> = checks
        .iter()
        .map(|c| {
            let status = if c.healthy() {
                Styled::new("up", Tone::Good)
            } else if c.up {
                Styled::new("wrong", Tone::Bad)
            } else {
                Styled::new("down", Tone::Bad)
            };
            vec![
                Styled::from(format!("{}/{}", c.namespace, c.cluster)),
                Styled::from(c.target.as_str()),
                Styled::from(c.kind),
                Styled::from(c.role.clone().unwrap_or_else(|| "-".into())),
                status,
                Styled::from(
                    c.latency_ms
                        .map_or_else(|| "-".into(), |l| format!("{l}ms")),
                ),
                Styled::from(c.lag_bytes.map_or_else(|| "-".into(), |l| format!("{l}B"))),
                Styled::from(c.problem.clone().unwrap_or_default()),
            ]
        })
        .collect();
    output::table(
        ui,
        &[
            "CLUSTER", "TARGET", "KIND", "ROLE", "STATUS", "LATENCY", "LAG", "PROBLEM",
        ],
        &rows,
    )
}
