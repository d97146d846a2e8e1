//! `pgctl list` (alias `get`): the clusters of a namespace or of all.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::jiff::Timestamp;
use pgctl_shared::crd::Postgresql;

use crate::args::OutputFormat;
use crate::cluster::or_dash;
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output::{self, Styled};
use crate::ui::{self, Tone, Ui};

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only these clusters (all when none is given).
    #[arg(value_name = "NAME", add = ArgValueCompleter::new(cluster_names))]
    pub names: Vec<String>,
    /// List clusters of every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Label selector, e.g. `team=acid,env!=prod`.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

pub const EXAMPLES: &str = "Examples:
  pgctl list
  pgctl get -A -o wide
  pgctl list -l team=acid -o name";

pub async fn run(args: ListArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let mut items = kube
        .list_clusters(args.all_namespaces, args.selector.as_deref())
        .await?;
    if !args.names.is_empty() {
        items.retain(|pg| {
            pg.metadata
                .name
                .as_ref()
                .is_some_and(|n| args.names.contains(n))
        });
        let missing: Vec<&String> = args
            .names
            .iter()
            .filter(|n| !items.iter().any(|pg| pg.metadata.name.as_ref() == Some(*n)))
            .collect();
        if let Some(name) = missing.first() {
            anyhow::bail!(
                "postgresql {name:?} not found in {}",
                if args.all_namespaces {
                    "any namespace".to_string()
                } else {
                    format!("namespace {:?}", kube.namespace)
                }
            );
        }
    }
    items.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    if items.is_empty() && matches!(args.output, OutputFormat::Table | OutputFormat::Wide) {
        if args.all_namespaces {
            eprintln!("No clusters found.");
        } else {
            eprintln!("No clusters found in namespace {:?}.", kube.namespace);
        }
        return Ok(Code::Success);
    }
    print!(
        "{}",
        render(
            &items,
            args.output,
            args.all_namespaces,
            ui,
            Timestamp::now()
        )?
    );
    Ok(Code::Success)
}

/// The list in the asked format.
pub fn render(
    items: &[Postgresql],
    format: OutputFormat,
    all_namespaces: bool,
    ui: &Ui,
    now: Timestamp,
) -> anyhow::Result<String> {
    match format {
        OutputFormat::Json | OutputFormat::Yaml => {
            let values = items
                .iter()
                .map(|pg| Ok(output::clean_object(serde_json::to_value(pg)?)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let list = output::list_of(values);
            if format == OutputFormat::Json {
                output::json(&list)
            } else {
                output::yaml(&list)
            }
        }
        OutputFormat::Name => Ok(items
            .iter()
            .map(|pg| {
                format!(
                    "{}\n",
                    output::pg_name(pg.metadata.name.as_deref().unwrap_or_default())
                )
            })
            .collect()),
        OutputFormat::Table | OutputFormat::Wide => {
            let wide = format == OutputFormat::Wide;
            let mut headers = Vec::new();
            if all_namespaces {
                headers.push("NAMESPACE");
            }
            headers.extend([
                "NAME",
                "TEAM",
                "VERSION",
                "INSTANCES",
                "VOLUME",
                "STATUS",
                "AGE",
            ]);
            if wide {
                headers.extend(["ROLE", "PRIMARY", "IMAGE", "POLICIES"]);
                if !all_namespaces {
                    headers.push("NAMESPACE");
                }
            }
            let rows: Vec<Vec<Styled>> = items
                .iter()
                .map(|pg| row(pg, wide, all_namespaces, now))
                .collect();
            Ok(output::table(ui, &headers, &rows))
        }
    }
}

fn row(pg: &Postgresql, wide: bool, all_namespaces: bool, now: Timestamp) -> Vec<Styled> {
    let status = pg.status.clone().unwrap_or_default();
    let namespace = pg.metadata.namespace.clone().unwrap_or_default();
    let desired = pg.spec.number_of_instances;
    let ready = status.ready_instances.unwrap_or(0);
    let state = if status.postgres_cluster_status.is_empty() {
        "Unknown".to_string()
    } else {
        status.postgres_cluster_status.clone()
    };
    let mut row = Vec::new();
    if all_namespaces {
        row.push(Styled::from(namespace.clone()));
    }
    row.push(Styled::new(
        pg.metadata.name.clone().unwrap_or_default(),
        Tone::Bold,
    ));
    row.push(Styled::from(or_dash(&pg.spec.team_id)));
    row.push(Styled::from(or_dash(&pg.spec.postgresql.version)));
    row.push(Styled::new(
        format!("{ready}/{desired}"),
        if ready == desired {
            Tone::Plain
        } else {
            Tone::Warn
        },
    ));
    row.push(Styled::from(or_dash(&pg.spec.volume.size)));
    row.push(Styled::new(state.clone(), ui::status_tone(&state)));
    row.push(Styled::from(output::age(
        pg.metadata.creation_timestamp.as_ref().map(|t| &t.0),
        now,
    )));
    if wide {
        row.push(Styled::from(pgctl_shared::origin::cluster_role(pg)));
        row.push(Styled::from(
            status.primary.clone().unwrap_or_else(|| "-".into()),
        ));
        row.push(Styled::from(
            status
                .image
                .clone()
                .or_else(|| pg.spec.docker_image.clone())
                .unwrap_or_else(|| "-".into()),
        ));
        let policies: Vec<String> = pgctl_shared::policy::records(pg.metadata.annotations.as_ref())
            .into_keys()
            .collect();
        row.push(Styled::from(if policies.is_empty() {
            "-".to_string()
        } else {
            policies.join(",")
        }));
        if !all_namespaces {
            row.push(Styled::from(namespace));
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgctl_shared::crd::{PostgresSpec, PostgresStatus, PostgresqlParam, Volume};

    fn cluster(name: &str, ns: &str, status: Option<&str>) -> Postgresql {
        let mut pg = Postgresql::new(
            name,
            PostgresSpec {
                team_id: "acid".into(),
                number_of_instances: 2,
                postgresql: PostgresqlParam {
                    version: "17".into(),
                    parameters: None,
                },
                volume: Volume {
                    size: "1Gi".into(),
                    ..Volume::default()
                },
                ..PostgresSpec::default()
            },
        );
        pg.metadata.namespace = Some(ns.into());
        pg.metadata.creation_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                "2026-01-01T00:00:00Z".parse().expect("ts"),
            ));
        pg.status = status.map(|s| PostgresStatus {
            postgres_cluster_status: s.into(),
            ready_instances: Some(2),
            primary: Some(format!("{name}-0")),
            image: Some("spilo:17".into()),
            ..PostgresStatus::default()
        });
        pg
    }

    fn now() -> Timestamp {
        "2026-01-01T01:00:00Z".parse().expect("ts")
    }

    #[test]
    fn table_wide_and_all_namespaces() {
        let items = [
            cluster("acid-a", "ns1", Some("Running")),
            cluster("acid-b", "ns2", None),
        ];
        let ui = Ui::plain();
        let table = render(&items, OutputFormat::Table, false, &ui, now()).expect("render");
        assert_eq!(
            table,
            "NAME     TEAM   VERSION   INSTANCES   VOLUME   STATUS    AGE\n\
             acid-a   acid   17        2/2         1Gi      Running   60m\n\
             acid-b   acid   17        0/2         1Gi      Unknown   60m\n"
        );
        let wide = render(&items, OutputFormat::Wide, true, &ui, now()).expect("render");
        let header = wide.lines().next().expect("header");
        assert!(header.starts_with("NAMESPACE   NAME"), "{header}");
        assert!(header.ends_with("IMAGE      POLICIES"), "{header}");
        assert!(wide.contains("acid-a-0   spilo:17"), "{wide}");
        assert!(!wide.contains('\x1b'));
    }

    #[test]
    fn json_yaml_and_name() {
        let items = [cluster("acid-a", "ns1", Some("Running"))];
        let ui = Ui::plain();
        let json = render(&items, OutputFormat::Json, false, &ui, now()).expect("render");
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(value["kind"], "List");
        assert_eq!(value["items"][0]["metadata"]["name"], "acid-a");
        assert_eq!(
            value["items"][0]["status"]["PostgresClusterStatus"],
            "Running"
        );
        let yaml = render(&items, OutputFormat::Yaml, false, &ui, now()).expect("render");
        assert!(yaml.starts_with("apiVersion: v1\nitems:\n"), "{yaml}");
        let names = render(&items, OutputFormat::Name, false, &ui, now()).expect("render");
        assert_eq!(names, "postgresql.acid.zalan.do/acid-a\n");
    }
}
