//! `pgctl status NAME` (alias `describe`): one screen a person can act on, or the same
//! information as data (`-o json|yaml`). Secrets appear by name only. With `-l`, the report of
//! each selected cluster (read concurrently, printed in order; a list for `-o json|yaml`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::jiff::Timestamp;
use pgctl_shared::pooler::pools::Pool;
use pgctl_shared::status as conditions;
use serde::Serialize;

use crate::args::OutputFormat;
use crate::cluster::{self, InstanceView, Observed, RolloutState};
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output::{self, Styled};
use crate::ui::{self, Tone, Ui};

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names), required_unless_present = "selector")]
    pub name: Option<String>,
    #[command(flatten)]
    pub select: crate::fleet::Selection,
    /// Output format: table (a screen for people), json or yaml (the same information as data).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
    /// Refresh every two seconds until interrupted.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// How many of the latest events to show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub events: usize,
}

pub const EXAMPLES: &str = "Examples:
  pgctl status acid-foo
  pgctl describe acid-foo -o json | jq .instances
  pgctl status acid-foo --watch
  pgctl status -l team=acid -o json | jq '.[] | {name, status}'";

/// Everything `status` shows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    pub name: String,
    pub namespace: String,
    pub age: String,
    pub generation: Option<i64>,
    pub spec: SpecSummary,
    pub status: StatusSummary,
    pub instances: Vec<InstanceView>,
    pub services: Vec<ServiceView>,
    /// The connection poolers (PgBouncer Deployments).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub poolers: Vec<PoolerView>,
    /// Names of the cluster's Secrets (never their contents).
    pub secrets: Vec<String>,
    pub volumes: Vec<String>,
    pub rollout: Option<RolloutState>,
    pub events: Vec<EventView>,
}

/// One connection pooler: its Deployment's pods and its pool mode.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolerView {
    pub name: String,
    pub ready: i32,
    pub desired: i32,
    pub mode: String,
    /// Its pools (`SHOW POOLS` of its ready pods, summed), once they answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pools: Option<Vec<Pool>>,
    /// Why the pools are not shown (a pod did not answer, the Secret is unreadable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pools_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecSummary {
    pub team: String,
    pub version: String,
    pub instances: i32,
    pub volume_size: String,
    pub storage_class: Option<String>,
    pub cpu: String,
    pub memory: String,
    pub image: String,
    pub users: BTreeMap<String, Vec<String>>,
    pub databases: BTreeMap<String, String>,
    pub parameters: BTreeMap<String, String>,
    pub master_load_balancer: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusSummary {
    pub cluster_status: String,
    pub observed_generation: Option<i64>,
    /// Whether the controller has seen the latest spec.
    pub up_to_date: bool,
    pub ready_instances: i32,
    pub instances: i32,
    pub primary: Option<String>,
    pub image: Option<String>,
    pub conditions: Vec<ConditionView>,
    pub messages: Vec<String>,
    /// Clone or standby source and how it goes (`status.origin`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<pgctl_shared::crd::OriginStatus>,
    /// The major the master runs (`status.majorVersion`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub major_version: Option<u32>,
    /// The major version upgrade in progress, or the last one (`status.upgrade`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<pgctl_shared::crd::UpgradeStatus>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionView {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub since: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub cluster_ip: String,
    pub external: Vec<String>,
    pub ports: Vec<String>,
    pub endpoints: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub age: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub reason: String,
    pub object: String,
    pub message: String,
    pub count: i32,
}

pub async fn run(args: StatusArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    if args.select.is_selecting() {
        return several(&kube, &config, &args, ui).await;
    }
    let name = args.name.clone().unwrap_or_default();
    let mut previous = String::new();
    loop {
        let report = report_of(&kube, &config, &name, args.events).await?;
        let text = match args.output {
            OutputFormat::Json => output::json(&report)?,
            OutputFormat::Yaml => output::yaml(&report)?,
            OutputFormat::Name => format!("{}\n", output::pg_name(&report.name)),
            OutputFormat::Table | OutputFormat::Wide => render(&report, ui),
        };
        if !args.watch {
            print!("{text}");
            return Ok(Code::Success);
        }
        if ui.stdout_tty {
            // Clear the screen and redraw.
            print!("\x1b[2J\x1b[H{text}");
        } else if text != previous {
            if !previous.is_empty() {
                println!();
            }
            print!("{text}");
        }
        previous = text;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// The report of cluster `name` of `kube`'s namespace, pools included.
async fn report_of(
    kube: &k8s::Kube,
    config: &pgctl_shared::config::OperatorConfig,
    name: &str,
    events: usize,
) -> anyhow::Result<StatusReport> {
    let observed = k8s::bounded(
        kube.timeout,
        "reading the cluster",
        cluster::observe(kube, name, config.clone(), true),
    )
    .await?;
    let mut report = build(&observed, events, Timestamp::now());
    attach_pools(kube, &observed, &mut report).await;
    attach_majors(kube, &mut report).await;
    Ok(report)
}

/// `status -l`: the reports of the selected clusters, read `--concurrency` at once, printed in
/// order; a cluster that cannot be read is named and makes the exit code a failure.
async fn several(
    kube: &k8s::Kube,
    config: &pgctl_shared::config::OperatorConfig,
    args: &StatusArgs,
    ui: &Ui,
) -> anyhow::Result<Code> {
    use futures::StreamExt;
    if args.watch {
        return Err(crate::exit::usage(
            "--watch shows one cluster; drop -l or --watch",
        ));
    }
    let targets = args.select.targets(kube, None).await?;
    let mut reports: Vec<(String, anyhow::Result<StatusReport>)> = futures::stream::iter(targets)
        .map(|t| async move {
            let report = report_of(&t.kube, config, &t.name, args.events).await;
            (t.qualified(), report)
        })
        .buffer_unordered(usize::from(args.select.concurrency))
        .collect()
        .await;
    reports.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failed = 0;
    let mut ok = Vec::new();
    for (name, report) in reports {
        match report {
            Ok(report) => ok.push(report),
            Err(e) => {
                failed += 1;
                eprintln!("error: {name}: {e:#}");
            }
        }
    }
    match args.output {
        OutputFormat::Json => print!("{}", output::json(&ok)?),
        OutputFormat::Yaml => print!("{}", output::yaml(&ok)?),
        OutputFormat::Name => {
            for report in &ok {
                println!("{}", output::pg_name(&report.name));
            }
        }
        OutputFormat::Table | OutputFormat::Wide => {
            for (i, report) in ok.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                print!("{}", render(report, ui));
            }
        }
    }
    Ok(Code::of_failures(failed))
}

/// The major each ready instance runs, from its Patroni (`server_version`); an instance whose
/// Patroni does not answer shows none.
async fn attach_majors(kube: &k8s::Kube, report: &mut StatusReport) {
    for instance in report.instances.iter_mut().filter(|i| i.ready) {
        instance.major = crate::patroni::member(kube, &instance.pod)
            .await
            .ok()
            .and_then(|m| m.get("server_version").and_then(serde_json::Value::as_u64))
            .map(pgctl_shared::upgrade::server_major);
    }
}

/// Asks each pooler with ready pods for its pools, as the pooler user; what fails is told in
/// `pools_error`, never as an error of `status`.
async fn attach_pools(kube: &k8s::Kube, observed: &Observed, report: &mut StatusReport) {
    if report.poolers.iter().all(|p| p.ready == 0) {
        return;
    }
    let user = pgctl_shared::pooler::user(&observed.pg.spec, &observed.config);
    let secret = observed.config.secret_name(&user, &report.name);
    let password = match kube.secret_password(&kube.namespace, &secret).await {
        Ok(password) => password,
        Err(e) => {
            for pooler in report.poolers.iter_mut().filter(|p| p.ready > 0) {
                pooler.pools_error = Some(format!("{e:#}"));
            }
            return;
        }
    };
    for pooler in report.poolers.iter_mut().filter(|p| p.ready > 0) {
        let selector = format!("{}={}", pgctl_shared::pooler::POOLER_LABEL, pooler.name);
        let pods = kube
            .api::<k8s_openapi::api::core::v1::Pod>()
            .list(&kube::api::ListParams::default().labels(&selector))
            .await;
        let answer = match pods {
            Ok(pods) => {
                let ready: Vec<_> = pods.items.into_iter().filter(cluster::is_ready).collect();
                crate::pgbouncer::show_pools(kube, &ready, &user, &password).await
            }
            Err(e) => Err(format!("listing the pods of {}: {e}", pooler.name)),
        };
        match answer {
            Ok(pools) => pooler.pools = Some(pools),
            Err(e) => pooler.pools_error = Some(e),
        }
    }
}

/// The report of an observed cluster.
pub fn build(observed: &Observed, events: usize, now: Timestamp) -> StatusReport {
    let pg = &observed.pg;
    let config = &observed.config;
    let status = pg.status.clone().unwrap_or_default();
    let instances: Vec<InstanceView> = observed
        .pods
        .iter()
        .map(|p| cluster::instance_view(p, config, observed.statefulset.as_ref(), now))
        .collect();
    let requests = pg
        .spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.clone())
        .unwrap_or_default();
    let limits = pg
        .spec
        .resources
        .as_ref()
        .and_then(|r| r.limits.clone())
        .unwrap_or_default();
    let pair = |request: Option<String>, limit: Option<String>| match (request, limit) {
        (None, None) => "default".to_string(),
        (r, l) => format!(
            "{} request, {} limit",
            r.unwrap_or_else(|| "-".into()),
            l.unwrap_or_else(|| "-".into())
        ),
    };
    let built = pgctl_shared::build::ClusterContext::new(pg, config).ok();
    let spec = SpecSummary {
        team: pg.spec.team_id.clone(),
        version: pg.spec.postgresql.version.clone(),
        instances: pg.spec.number_of_instances,
        volume_size: pg.spec.volume.size.clone(),
        storage_class: pg.spec.volume.storage_class.clone(),
        cpu: pair(requests.cpu, limits.cpu),
        memory: pair(requests.memory, limits.memory),
        // The controller's own rules (shared::build): an empty dockerImage is no image.
        image: built
            .as_ref()
            .map(|ctx| pgctl_shared::build::statefulset::docker_image(ctx).to_string())
            .or_else(|| status.image.clone())
            .unwrap_or_default(),
        users: pg.spec.users.clone().unwrap_or_default(),
        databases: pg.spec.databases.clone().unwrap_or_default(),
        parameters: pg.spec.postgresql.parameters.clone().unwrap_or_default(),
        master_load_balancer: built.as_ref().is_some_and(|ctx| {
            pgctl_shared::build::service::load_balancer_enabled(
                ctx,
                pgctl_shared::build::service::Role::Master,
            )
        }),
    };
    let up_to_date = match (pg.metadata.generation, status.observed_generation) {
        (Some(g), Some(o)) => o >= g,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let summary = StatusSummary {
        cluster_status: status.postgres_cluster_status.clone(),
        observed_generation: status.observed_generation,
        up_to_date,
        ready_instances: status
            .ready_instances
            .unwrap_or_else(|| instances.iter().filter(|i| i.ready).count() as i32),
        instances: status.instances.unwrap_or(instances.len() as i32),
        primary: status.primary.clone(),
        image: status.image.clone(),
        conditions: status
            .conditions
            .iter()
            .map(|c| ConditionView {
                type_: c.type_.clone(),
                status: c.status.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
                since: output::age(Some(&c.last_transition_time.0), now),
            })
            .collect(),
        messages: status.messages.clone(),
        origin: status.origin.clone(),
        major_version: status.major_version,
        upgrade: status.upgrade.clone(),
    };
    let services = observed
        .services
        .iter()
        .map(|s| {
            let name = s.metadata.name.clone().unwrap_or_default();
            let spec = s.spec.clone().unwrap_or_default();
            let external = s
                .status
                .as_ref()
                .and_then(|st| st.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .map(|ingress| {
                    ingress
                        .iter()
                        .filter_map(|i| i.hostname.clone().or_else(|| i.ip.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let endpoints = observed
                .endpoints
                .iter()
                .filter(|e| e.metadata.name.as_deref() == Some(name.as_str()))
                .flat_map(|e| e.subsets.clone().unwrap_or_default())
                .flat_map(|subset| {
                    let ports: Vec<i32> = subset
                        .ports
                        .clone()
                        .unwrap_or_default()
                        .iter()
                        .map(|p| p.port)
                        .collect();
                    subset
                        .addresses
                        .clone()
                        .unwrap_or_default()
                        .into_iter()
                        .flat_map(move |a| {
                            let target = a
                                .target_ref
                                .as_ref()
                                .and_then(|t| t.name.clone())
                                .map(|n| format!(" ({n})"))
                                .unwrap_or_default();
                            let ports = ports.clone();
                            ports
                                .into_iter()
                                .map(move |p| format!("{}:{p}{target}", a.ip))
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            ServiceView {
                name,
                type_: spec.type_.unwrap_or_else(|| "ClusterIP".into()),
                cluster_ip: spec.cluster_ip.unwrap_or_else(|| "-".into()),
                external,
                ports: spec
                    .ports
                    .unwrap_or_default()
                    .iter()
                    .map(|p| {
                        format!(
                            "{}/{}",
                            p.port,
                            p.protocol.clone().unwrap_or_else(|| "TCP".into())
                        )
                    })
                    .collect(),
                endpoints,
            }
        })
        .collect();
    let rollout_state = cluster::rollout_state(
        pg,
        &observed.pods,
        observed.statefulset.as_ref(),
        observed.config.enable_lazy_spilo_upgrade,
    );
    let rollout = (!rollout_state.done
        && (status.rollout.is_some() || rollout_state.updated < rollout_state.desired))
        .then_some(rollout_state);
    let skip = observed.events.len().saturating_sub(events);
    let events = observed.events[skip..]
        .iter()
        .map(|e| {
            let when = e
                .last_timestamp
                .as_ref()
                .map(|t| t.0)
                .or_else(|| e.event_time.as_ref().map(|t| t.0))
                .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0));
            EventView {
                age: output::age(when.as_ref(), now),
                type_: e.type_.clone().unwrap_or_default(),
                reason: e.reason.clone().unwrap_or_default(),
                object: format!(
                    "{}/{}",
                    e.involved_object
                        .kind
                        .clone()
                        .unwrap_or_default()
                        .to_lowercase(),
                    e.involved_object.name.clone().unwrap_or_default()
                ),
                message: e.message.clone().unwrap_or_default().trim().to_string(),
                count: e.count.unwrap_or(1),
            }
        })
        .collect();
    StatusReport {
        name: pg.metadata.name.clone().unwrap_or_default(),
        namespace: pg.metadata.namespace.clone().unwrap_or_default(),
        age: output::age(pg.metadata.creation_timestamp.as_ref().map(|t| &t.0), now),
        generation: pg.metadata.generation,
        spec,
        status: summary,
        instances,
        services,
        poolers: observed
            .poolers
            .iter()
            .map(|d| PoolerView {
                name: d.metadata.name.clone().unwrap_or_default(),
                ready: d
                    .status
                    .as_ref()
                    .and_then(|s| s.ready_replicas)
                    .unwrap_or(0),
                desired: d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0),
                mode: d
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.spec.as_ref())
                    .and_then(|p| p.containers.first())
                    .and_then(|c| c.env.as_ref())
                    .and_then(|env| env.iter().find(|e| e.name == "CONNECTION_POOLER_MODE"))
                    .and_then(|e| e.value.clone())
                    .unwrap_or_default(),
                pools: None,
                pools_error: None,
            })
            .collect(),
        secrets: observed
            .secrets
            .iter()
            .chain(&observed.other_namespace_secrets)
            .cloned()
            .collect(),
        volumes: observed.pvcs.clone(),
        rollout,
        events,
    }
}

/// The screen for people.
pub fn render(report: &StatusReport, ui: &Ui) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, text: &str| {
        let _ = writeln!(out, "\n{}", ui.paint(text, Tone::Bold));
    };
    let s = &report.status;
    let state = if s.cluster_status.is_empty() {
        "Unknown"
    } else {
        &s.cluster_status
    };
    let _ = writeln!(
        out,
        "{} {}/{}   {}   age {}",
        ui.paint("Cluster", Tone::Bold),
        report.namespace,
        report.name,
        ui.paint(state, ui::status_tone(state)),
        report.age
    );
    let spec = &report.spec;
    let _ = writeln!(
        out,
        "Team {}   PostgreSQL {}   {} instance{}   volume {}{}",
        spec.team,
        spec.version,
        spec.instances,
        if spec.instances == 1 { "" } else { "s" },
        spec.volume_size,
        spec.storage_class
            .as_ref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "CPU {}   memory {}", spec.cpu, spec.memory);
    let _ = writeln!(out, "Image {}", spec.image);
    if !spec.users.is_empty() {
        let users: Vec<String> = spec
            .users
            .iter()
            .map(|(u, f)| {
                if f.is_empty() {
                    u.clone()
                } else {
                    format!("{u} ({})", f.join(","))
                }
            })
            .collect();
        let _ = writeln!(out, "Users {}", users.join(", "));
    }
    if !spec.databases.is_empty() {
        let dbs: Vec<String> = spec
            .databases
            .iter()
            .map(|(d, o)| format!("{d} (owner {o})"))
            .collect();
        let _ = writeln!(out, "Databases {}", dbs.join(", "));
    }
    if !spec.parameters.is_empty() {
        let params: Vec<String> = spec
            .parameters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(out, "Parameters {}", params.join(" "));
    }
    if spec.master_load_balancer {
        let _ = writeln!(out, "Master load balancer on");
    }

    heading(&mut out, "Status");
    let _ = writeln!(
        out,
        "Ready {}/{}   primary {}{}",
        s.ready_instances,
        spec.instances,
        s.primary.as_deref().unwrap_or("none"),
        if s.up_to_date {
            String::new()
        } else {
            ui.paint(
                &format!(
                    "   the controller has not seen generation {} yet (observed {})",
                    report.generation.unwrap_or_default(),
                    s.observed_generation
                        .map(|g| g.to_string())
                        .unwrap_or_else(|| "none".into())
                ),
                Tone::Warn,
            )
        }
    );
    if let Some(origin) = &s.origin {
        let _ = writeln!(out, "Origin {}", pgctl_shared::origin::describe(origin));
    }
    if let Some(u) = &s.upgrade {
        let when = u
            .finished_at
            .as_deref()
            .map(|t| format!(", ended {t}"))
            .unwrap_or_default();
        let tone = match u.phase.as_str() {
            pgctl_shared::upgrade::phase::SUCCEEDED => Tone::Good,
            pgctl_shared::upgrade::phase::BLOCKED | pgctl_shared::upgrade::phase::ROLLED_BACK => {
                Tone::Bad
            }
            _ => Tone::Warn,
        };
        let _ = writeln!(
            out,
            "Upgrade {} → {}: {}{when}{}",
            u.from,
            u.to,
            ui.paint(&u.phase, tone),
            if u.message.is_empty() {
                String::new()
            } else {
                format!(" ({})", u.message)
            }
        );
    }
    if !s.conditions.is_empty() {
        let rows: Vec<Vec<Styled>> = s
            .conditions
            .iter()
            .map(|c| {
                let bad = match c.type_.as_str() {
                    conditions::DEGRADED => c.status == "True",
                    conditions::PROGRESSING => false,
                    _ => c.status != "True",
                };
                let tone = if bad {
                    Tone::Bad
                } else if c.type_ == conditions::PROGRESSING && c.status == "True" {
                    Tone::Warn
                } else {
                    Tone::Good
                };
                vec![
                    Styled::from(c.type_.as_str()),
                    Styled::new(c.status.clone(), tone),
                    Styled::from(c.reason.as_str()),
                    Styled::from(c.since.as_str()),
                    Styled::from(c.message.as_str()),
                ]
            })
            .collect();
        out.push_str(&output::table(
            ui,
            &["CONDITION", "STATUS", "REASON", "SINCE", "MESSAGE"],
            &rows,
        ));
    }
    for message in &s.messages {
        let _ = writeln!(out, "{} {message}", ui.paint("!", Tone::Bad));
    }

    if let Some(rollout) = &report.rollout {
        heading(&mut out, "Rollout");
        let _ = writeln!(
            out,
            "{}/{} pods updated, {} ready{}",
            rollout.updated,
            rollout.total,
            rollout.ready,
            rollout
                .current_step
                .as_ref()
                .map(|s| format!(": {s}"))
                .unwrap_or_default()
        );
        if let Some(error) = &rollout.last_error {
            let _ = writeln!(out, "{} {error}", ui.paint("last error:", Tone::Bad));
        }
    }

    heading(&mut out, "Instances");
    if report.instances.is_empty() {
        let _ = writeln!(out, "no pods");
    } else {
        let rows: Vec<Vec<Styled>> = report
            .instances
            .iter()
            .map(|i| {
                vec![
                    Styled::from(i.pod.as_str()),
                    Styled::new(
                        i.role.clone(),
                        if i.role == "master" {
                            Tone::Bold
                        } else {
                            Tone::Plain
                        },
                    ),
                    Styled::new(
                        if i.ready { "yes" } else { "no" },
                        if i.ready { Tone::Good } else { Tone::Bad },
                    ),
                    Styled::from(i.phase.as_str()),
                    Styled::new(
                        if i.up_to_date { "yes" } else { "no" },
                        if i.up_to_date {
                            Tone::Plain
                        } else {
                            Tone::Warn
                        },
                    ),
                    Styled::new(
                        i.restarts.to_string(),
                        if i.restarts > 0 {
                            Tone::Warn
                        } else {
                            Tone::Plain
                        },
                    ),
                    Styled::from(i.node.as_str()),
                    Styled::from(i.ip.as_str()),
                    Styled::from(i.major.map(|m| m.to_string()).unwrap_or_else(|| "-".into())),
                    Styled::from(i.age.as_str()),
                    Styled::from(i.image.as_str()),
                ]
            })
            .collect();
        out.push_str(&output::table(
            ui,
            &[
                "POD",
                "ROLE",
                "READY",
                "PHASE",
                "UP-TO-DATE",
                "RESTARTS",
                "NODE",
                "IP",
                "MAJOR",
                "AGE",
                "IMAGE",
            ],
            &rows,
        ));
    }

    if !report.poolers.is_empty() {
        heading(&mut out, "Poolers");
        let rows: Vec<Vec<Styled>> = report
            .poolers
            .iter()
            .map(|p| {
                vec![
                    Styled::from(p.name.as_str()),
                    Styled::new(
                        format!("{}/{}", p.ready, p.desired),
                        if p.ready == p.desired {
                            Tone::Good
                        } else {
                            Tone::Warn
                        },
                    ),
                    Styled::from(p.mode.as_str()),
                ]
            })
            .collect();
        out.push_str(&output::table(ui, &["DEPLOYMENT", "READY", "MODE"], &rows));
        let pools: Vec<Vec<Styled>> = report
            .poolers
            .iter()
            .flat_map(|p| p.pools.iter().flatten().map(move |pool| (p, pool)))
            .map(|(p, pool)| {
                vec![
                    Styled::from(p.name.as_str()),
                    Styled::from(pool.database.as_str()),
                    Styled::from(pool.user.as_str()),
                    Styled::from(pool.clients_active.to_string()),
                    Styled::new(
                        pool.clients_waiting.to_string(),
                        if pool.clients_waiting > 0 {
                            Tone::Warn
                        } else {
                            Tone::Plain
                        },
                    ),
                    Styled::from(pool.servers_active.to_string()),
                    Styled::from(pool.servers_idle.to_string()),
                    Styled::from(format!("{}s", pool.max_wait_seconds)),
                ]
            })
            .collect();
        if !pools.is_empty() {
            out.push('\n');
            out.push_str(&output::table(
                ui,
                &[
                    "POOLER", "DATABASE", "USER", "CLIENTS", "WAITING", "SERVERS", "IDLE",
                    "MAXWAIT",
                ],
                &pools,
            ));
        }
        for pooler in &report.poolers {
            if let Some(error) = &pooler.pools_error {
                let _ = writeln!(out, "pools of {}: not available ({error})", pooler.name);
            }
        }
    }

    heading(&mut out, "Services");
    if report.services.is_empty() {
        let _ = writeln!(out, "none");
    } else {
        let rows: Vec<Vec<Styled>> = report
            .services
            .iter()
            .map(|s| {
                vec![
                    Styled::from(s.name.as_str()),
                    Styled::from(s.type_.as_str()),
                    Styled::from(s.cluster_ip.as_str()),
                    Styled::from(if s.external.is_empty() {
                        "-".to_string()
                    } else {
                        s.external.join(",")
                    }),
                    Styled::from(s.ports.join(",")),
                    Styled::new(
                        if s.endpoints.is_empty() {
                            "<none>".to_string()
                        } else {
                            s.endpoints.join(", ")
                        },
                        if s.endpoints.is_empty() {
                            Tone::Warn
                        } else {
                            Tone::Plain
                        },
                    ),
                ]
            })
            .collect();
        out.push_str(&output::table(
            ui,
            &[
                "SERVICE",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL",
                "PORTS",
                "ENDPOINTS",
            ],
            &rows,
        ));
    }

    heading(&mut out, "Secrets");
    if report.secrets.is_empty() {
        let _ = writeln!(out, "none");
    }
    for secret in &report.secrets {
        let _ = writeln!(out, "{secret}");
    }
    if !report.volumes.is_empty() {
        heading(&mut out, "Volumes");
        for volume in &report.volumes {
            let _ = writeln!(out, "{volume}");
        }
    }

    heading(&mut out, "Events");
    if report.events.is_empty() {
        let _ = writeln!(out, "none");
    } else {
        let rows: Vec<Vec<Styled>> = report
            .events
            .iter()
            .map(|e| {
                vec![
                    Styled::from(e.age.as_str()),
                    Styled::new(
                        e.type_.clone(),
                        if e.type_ == "Warning" {
                            Tone::Warn
                        } else {
                            Tone::Plain
                        },
                    ),
                    Styled::from(e.reason.as_str()),
                    Styled::from(e.object.as_str()),
                    Styled::from(if e.count > 1 {
                        format!("{} (x{})", e.message, e.count)
                    } else {
                        e.message.clone()
                    }),
                ]
            })
            .collect();
        out.push_str(&output::table(
            ui,
            &["AGE", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            &rows,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgctl_shared::config::OperatorConfig;
    use pgctl_shared::crd::{PostgresSpec, PostgresStatus, Postgresql};
    use serde_json::json;

    fn observed() -> Observed {
        let mut pg = Postgresql::new(
            "acid-foo",
            PostgresSpec {
                team_id: "acid".into(),
                number_of_instances: 1,
                ..PostgresSpec::default()
            },
        );
        pg.metadata.namespace = Some("default".into());
        pg.metadata.uid = Some("7a3b8c2e-0000-0000-0000-000000000001".into());
        pg.metadata.generation = Some(1);
        pg.status = Some(PostgresStatus {
            postgres_cluster_status: "Running".into(),
            observed_generation: Some(1),
            primary: Some("acid-foo-0".into()),
            ready_instances: Some(1),
            instances: Some(1),
            ..PostgresStatus::default()
        });
        let pod = serde_json::from_value(json!({
            "metadata": {"name": "acid-foo-0", "labels": {"spilo-role": "master"}},
            "spec": {"nodeName": "n1", "containers": [{"name": "postgres", "image": "spilo:1"}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .expect("pod");
        Observed {
            pg,
            config: OperatorConfig::default(),
            pods: vec![pod],
            statefulset: None,
            services: vec![],
            endpoints: vec![],
            secrets: vec!["postgres.acid-foo.credentials.postgresql.acid.zalan.do".into()],
            other_namespace_secrets: vec![],
            pvcs: vec![],
            pdbs: vec![],
            events: vec![],
            poolers: vec![],
        }
    }

    #[test]
    fn report_and_screen() {
        let report = build(&observed(), 10, Timestamp::now());
        assert_eq!(report.instances.len(), 1);
        assert!(report.rollout.is_none());
        let screen = render(&report, &Ui::plain());
        assert!(
            screen.starts_with("Cluster default/acid-foo   Running"),
            "{screen}"
        );
        assert!(screen.contains("acid-foo-0   master   yes"), "{screen}");
        assert!(screen.contains("postgres.acid-foo.credentials"), "{screen}");
        assert!(!screen.contains('\x1b'));
        let json = output::json(&report).expect("json");
        let value: serde_json::Value = serde_json::from_str(&json).expect("parses");
        assert_eq!(value["status"]["primary"], "acid-foo-0");
        assert_eq!(value["instances"][0]["role"], "master");
    }

    #[test]
    fn poolers_show_their_pools_or_why_not() {
        let mut report = build(&observed(), 10, Timestamp::now());
        let pooler = |name: &str| PoolerView {
            name: name.into(),
            ready: 1,
            desired: 1,
            mode: "transaction".into(),
            pools: None,
            pools_error: None,
        };
        let mut master = pooler("acid-foo-pooler");
        master.pools = Some(vec![Pool {
            database: "appdb".into(),
            user: "app".into(),
            clients_active: 12,
            clients_waiting: 3,
            servers_active: 5,
            servers_idle: 1,
            max_wait_seconds: 2,
            mode: "transaction".into(),
        }]);
        let mut replica = pooler("acid-foo-pooler-repl");
        replica.pools_error = Some("acid-foo-pooler-repl-x: no answer within 3s".into());
        report.poolers = vec![master, replica];
        let screen = render(&report, &Ui::plain());
        assert!(
            screen.contains(
                "acid-foo-pooler   appdb      app    12        3         5         1      2s"
            ),
            "{screen}"
        );
        assert!(
            screen.contains("pools of acid-foo-pooler-repl: not available (acid-foo-pooler-repl-x: no answer within 3s)"),
            "{screen}"
        );
        let value: serde_json::Value =
            serde_json::from_str(&output::json(&report).expect("json")).expect("parses");
        assert_eq!(value["poolers"][0]["pools"][0]["clientsWaiting"], 3);
        assert!(value["poolers"][1]["pools"].is_null());
    }

    #[test]
    fn image_and_load_balancer_follow_the_controllers_rules() {
        let mut observed = observed();
        observed.pg.spec.docker_image = Some(String::new());
        observed.pg.spec.use_load_balancer = Some(true);
        let report = build(&observed, 10, Timestamp::now());
        // An empty dockerImage is no image: the configuration's, as the StatefulSet gets.
        assert_eq!(report.spec.image, OperatorConfig::default().docker_image);
        assert!(report.spec.master_load_balancer);
    }
}
