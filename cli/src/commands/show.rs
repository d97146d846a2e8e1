//! `pgctl show pvc NAME`: each volume claim of a cluster, its requested size and capacity, its
//! storage class and bound volume, and the space used on it (`df` in the pod that mounts it,
//! through `pods/exec`).

use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use kube::api::{AttachParams, ListParams};
use pgctl_shared::naming;
use serde::Serialize;
use tokio::io::AsyncReadExt;

use crate::args::OutputFormat;
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube, Subject};
use crate::output::{self, Styled};
use crate::ui::Ui;

#[derive(Debug, Subcommand)]
pub enum ShowCommand {
    /// A cluster's volume claims: size, storage class, volume, space used.
    #[command(after_help = PVC_EXAMPLES)]
    Pvc(PvcArgs),
}

#[derive(Debug, Args)]
pub struct PvcArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Output format.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

const PVC_EXAMPLES: &str = "Examples:
  pgctl show pvc acid-foo
  pgctl show pvc acid-foo -o json | jq '.[] | select(.usedBytes > 0.8 * .sizeBytes)'";

/// One claim.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    pub name: String,
    pub phase: String,
    /// What the claim asks for.
    pub requested: Option<String>,
    /// What the bound volume provides.
    pub capacity: Option<String>,
    pub storage_class: Option<String>,
    pub volume: Option<String>,
    /// The pod that mounts it.
    pub pod: Option<String>,
    /// The file system's size and use as `df` sees it in the pod.
    pub size_bytes: Option<u64>,
    pub used_bytes: Option<u64>,
    /// Why the use is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

pub async fn run(command: ShowCommand, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    match command {
        ShowCommand::Pvc(args) => pvc(args, global, ui).await,
    }
}

async fn pvc(args: PvcArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    kube.get_cluster(&args.name).await?;
    let params = ListParams::default().labels(&naming::selector(&naming::cluster_labels(
        &config, &args.name,
    )));
    let what = format!("listing the claims and pods of {}", args.name);
    let (claim_api, pod_api) = (kube.api::<PersistentVolumeClaim>(), kube.api::<Pod>());
    let (claims, pods) = k8s::bounded(kube.timeout, &what, async {
        tokio::try_join!(claim_api.list(&params), pod_api.list(&params))
            .map_err(|e| kube.explain(e, Subject::Other(&what)))
    })
    .await?;
    let mut rows = Vec::new();
    for claim in &claims.items {
        rows.push(describe(&kube, claim, &pods.items).await);
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    match args.output {
        OutputFormat::Json => print!("{}", output::json(&rows)?),
        OutputFormat::Yaml => print!("{}", output::yaml(&rows)?),
        OutputFormat::Name => {
            for row in &rows {
                println!("persistentvolumeclaim/{}", row.name);
            }
        }
        OutputFormat::Table | OutputFormat::Wide => {
            if rows.is_empty() {
                println!("{} has no volume claims", output::pg_name(&args.name));
                return Ok(Code::Success);
            }
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            let table: Vec<Vec<Styled>> = rows
                .iter()
                .map(|c| {
                    let used = match (c.used_bytes, c.size_bytes) {
                        (Some(used), Some(size)) if size > 0 => format!(
                            "{} of {} ({}%)",
                            crate::output::human_bytes(used),
                            crate::output::human_bytes(size),
                            used * 100 / size
                        ),
                        _ => c.problem.clone().unwrap_or_else(|| "-".into()),
                    };
                    vec![
                        Styled::from(c.name.as_str()),
                        Styled::from(c.phase.as_str()),
                        Styled::from(dash(&c.requested)),
                        Styled::from(dash(&c.capacity)),
                        Styled::from(dash(&c.storage_class)),
                        Styled::from(dash(&c.volume)),
                        Styled::from(dash(&c.pod)),
                        Styled::from(used),
                    ]
                })
                .collect();
            print!(
                "{}",
                output::table(
                    ui,
                    &[
                        "CLAIM",
                        "PHASE",
                        "REQUESTED",
                        "CAPACITY",
                        "CLASS",
                        "VOLUME",
                        "POD",
                        "USED"
                    ],
                    &table
                )
            );
        }
    }
    Ok(Code::Success)
}

async fn describe(kube: &Kube, claim: &PersistentVolumeClaim, pods: &[Pod]) -> Claim {
    let name = claim.metadata.name.clone().unwrap_or_default();
    let spec = claim.spec.clone().unwrap_or_default();
    let status = claim.status.clone().unwrap_or_default();
    let quantity = |q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>| {
        q.map(|q| q.0.clone())
    };
    let mut row = Claim {
        name: name.clone(),
        phase: status.phase.clone().unwrap_or_else(|| "Unknown".into()),
        requested: quantity(
            spec.resources
                .as_ref()
                .and_then(|r| r.requests.as_ref()?.get("storage")),
        ),
        capacity: quantity(status.capacity.as_ref().and_then(|c| c.get("storage"))),
        storage_class: spec.storage_class_name.clone(),
        volume: spec.volume_name.clone(),
        pod: None,
        size_bytes: None,
        used_bytes: None,
        problem: None,
    };
    // The pod whose volume uses this claim, and where its containers mount it.
    let mount = pods.iter().find_map(|pod| {
        let spec = pod.spec.as_ref()?;
        let volume = spec.volumes.iter().flatten().find(|v| {
            v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == name)
        })?;
        spec.containers.iter().find_map(|c| {
            let m = c
                .volume_mounts
                .iter()
                .flatten()
                .find(|m| m.name == volume.name)?;
            Some((
                pod.metadata.name.clone().unwrap_or_default(),
                c.name.clone(),
                m.mount_path.clone(),
            ))
        })
    });
    let Some((pod, container, path)) = mount else {
        row.problem = Some("no pod mounts it".into());
        return row;
    };
    row.pod = Some(pod.clone());
    match df(kube, &pod, &container, &path).await {
        Ok((size, used)) => {
            row.size_bytes = Some(size);
            row.used_bytes = Some(used);
        }
        Err(e) => row.problem = Some(e),
    }
    row
}

/// `df -B1` of `path` in `container` of `pod`: the file system's size and used bytes.
async fn df(kube: &Kube, pod: &str, container: &str, path: &str) -> Result<(u64, u64), String> {
    let params = AttachParams::default()
        .container(container)
        .stdin(false)
        .stdout(true)
        .stderr(false);
    let mut process = kube
        .api::<Pod>()
        .exec(pod, ["df", "-P", "-B1", path], &params)
        .await
        .map_err(|e| format!("exec df in {pod}: {e}"))?;
    let mut out = String::new();
    if let Some(mut stdout) = process.stdout() {
        stdout
            .read_to_string(&mut out)
            .await
            .map_err(|e| format!("reading df's output: {e}"))?;
    }
    let _ = process.join().await;
    parse_df(&out).ok_or_else(|| format!("df in {pod} printed {:?}", out.trim()))
}

/// Size and used bytes from `df -P -B1` (a header line, then
/// `filesystem size used available capacity mountpoint`).
fn parse_df(out: &str) -> Option<(u64, u64)> {
    let line = out.lines().nth(1)?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let size = fields.get(1)?.parse().ok()?;
    let used = fields.get(2)?.parse().ok()?;
    Some((size, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn df_output_gives_size_and_use() {
        let out = "Filesystem     1-blocks      Used Available Capacity Mounted on\n\
                   /dev/sda1    1073741824 52428800 1021313024       5% /home/postgres/pgdata\n";
        assert_eq!(parse_df(out), Some((1_073_741_824, 52_428_800)));
        assert_eq!(parse_df("garbage"), None);
        assert_eq!(crate::output::human_bytes(512), "512B");
        assert_eq!(crate::output::human_bytes(52_428_800), "50.0MiB");
    }
}
