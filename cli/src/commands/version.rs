//! `pgctl version`: the client's version and, when reachable, the controller's and the API
//! server's.

use clap::Args;
use k8s_openapi::api::apps::v1::Deployment;
use kube::api::Api;
use serde::Serialize;

use crate::args::OutputFormat;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::{k8s, output};

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print only the client version, without contacting a cluster.
    #[arg(long)]
    pub client: bool,
    /// Output format: table, json or yaml.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Versions {
    client: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    controller: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub async fn run(args: VersionArgs, global: &GlobalArgs) -> anyhow::Result<Code> {
    let mut versions = Versions {
        client: env!("CARGO_PKG_VERSION").to_string(),
        controller: None,
        server: None,
        error: None,
    };
    if !args.client {
        match k8s::connect(global).await {
            Ok(kube) => {
                match k8s::bounded(
                    kube.timeout,
                    "asking the API server for its version",
                    async {
                        kube.client.apiserver_version().await.map_err(|e| {
                            kube.explain(e, k8s::Subject::Other("asking for the version"))
                        })
                    },
                )
                .await
                {
                    Ok(info) => versions.server = Some(info.git_version),
                    Err(error) => versions.error = Some(format!("{error:#}")),
                }
                if versions.error.is_none() {
                    let deployments: Api<Deployment> =
                        Api::namespaced(kube.client.clone(), &kube.controller_namespace);
                    if let Ok(Some(deployment)) = deployments.get_opt("pgctl-controller").await {
                        versions.controller = deployment
                            .spec
                            .and_then(|s| s.template.spec)
                            .and_then(|s| s.containers.first().and_then(|c| c.image.clone()))
                            .map(|image| {
                                image
                                    .rsplit_once(':')
                                    .map(|(_, tag)| tag.to_string())
                                    .unwrap_or(image)
                            });
                    }
                }
            }
            Err(error) => versions.error = Some(format!("{error:#}")),
        }
    }
    match args.output {
        OutputFormat::Json => print!("{}", output::json(&versions)?),
        OutputFormat::Yaml => print!("{}", output::yaml(&versions)?),
        _ => {
            println!("Client version: {}", versions.client);
            if !args.client {
                println!(
                    "Controller version: {}",
                    versions
                        .controller
                        .as_deref()
                        .unwrap_or("not installed or not readable")
                );
                println!(
                    "Server version: {}",
                    versions.server.as_deref().unwrap_or("unreachable")
                );
                if let Some(error) = &versions.error {
                    eprintln!("note: {error}");
                }
            }
        }
    }
    Ok(Code::Success)
}
