//! Commands over many clusters: which clusters a selector picks ([`Selection`]), running a
//! verb on each with bounded concurrency and a summary ([`for_each`]), asking before a verb
//! that changes them ([`confirm`]), and what they read about them ([`Fleet`]: the pods and
//! credential Secrets of their namespaces, one list call of each per namespace, never a call
//! per cluster).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::api::{Api, ListParams};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::naming;

use crate::exit::{self, Code};
use crate::k8s::{self, Kube, Subject};
use crate::ui::Ui;

/// `-l`, `-A` and `--concurrency` of a verb that otherwise takes one cluster by name.
#[derive(Debug, Clone, clap::Args)]
pub struct Selection {
    /// Instead of a name: every cluster matching this label selector, e.g. `team=acid`.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// With -l: the matching clusters of every namespace.
    #[arg(short = 'A', long, requires = "selector")]
    pub all_namespaces: bool,
    /// With -l: how many clusters at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
}

/// One selected cluster: a client for its namespace, and its name.
pub struct Target {
    pub kube: Kube,
    pub name: String,
}

impl Target {
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.kube.namespace, self.name)
    }
}

impl Kube {
    /// The same client, for namespace `namespace`.
    pub fn in_namespace(&self, namespace: &str) -> Kube {
        Kube {
            namespace: namespace.to_string(),
            ..self.clone()
        }
    }
}

impl Selection {
    /// The clusters of `-l` (and `-A`), or `name` alone; an empty selector, no name and no
    /// selector, or a selector that matches nothing are errors.
    pub async fn targets(&self, kube: &Kube, name: Option<&str>) -> anyhow::Result<Vec<Target>> {
        let Some(selector) = self.selector.as_deref() else {
            let name = name.ok_or_else(|| {
                exit::usage("name a cluster, or select clusters with -l SELECTOR")
            })?;
            return Ok(vec![Target {
                kube: kube.clone(),
                name: name.to_string(),
            }]);
        };
        if name.is_some() {
            return Err(exit::usage("give a cluster name or -l, not both"));
        }
        let clusters = if self.all_namespaces {
            if selector.trim().is_empty() {
                return Err(exit::usage(
                    "-l needs a label selector, e.g. -l team=acid (an empty one would select every cluster)",
                ));
            }
            let listed = kube.list_clusters(true, Some(selector)).await?;
            if listed.is_empty() {
                anyhow::bail!("no cluster in any namespace matches {selector:?}; nothing was done");
            }
            listed
        } else {
            kube.select_clusters(selector).await?
        };
        let mut targets: Vec<Target> = clusters
            .into_iter()
            .map(|pg| Target {
                kube: kube.in_namespace(pg.metadata.namespace.as_deref().unwrap_or_default()),
                name: pg.metadata.name.unwrap_or_default(),
            })
            .collect();
        targets.sort_by_key(Target::qualified);
        Ok(targets)
    }

    pub fn is_selecting(&self) -> bool {
        self.selector.is_some()
    }

    /// The one cluster named, when no selector is given (`None` with a selector).
    pub fn single<'a>(&self, name: Option<&'a str>) -> anyhow::Result<Option<&'a str>> {
        if self.is_selecting() {
            return Ok(None);
        }
        name.map(Some)
            .ok_or_else(|| exit::usage("name a cluster, or select clusters with -l SELECTOR"))
    }
}

/// Asks before `verb` changes the clusters a selector chose: at a terminal the person types
/// the selector; without one, `--yes` is required. Clusters named one by one need no question.
pub fn confirm(
    selection: &Selection,
    targets: &[Target],
    verb: &str,
    yes: bool,
    ui: &Ui,
) -> anyhow::Result<()> {
    let Some(selector) = selection.selector.as_deref() else {
        return Ok(());
    };
    if yes {
        return Ok(());
    }
    let names: Vec<String> = targets.iter().map(Target::qualified).collect();
    ui.require_interactive(
        &format!(
            "{verb} the {} clusters that {selector:?} selects needs confirmation",
            names.len()
        ),
        "--yes",
    )?;
    let prompt = format!("{verb} {}?", names.join(", "));
    if !ui.confirm_by_name(&prompt, selector)? {
        anyhow::bail!("not confirmed; nothing was done");
    }
    Ok(())
}

/// A verb that takes one cluster by name or several by `-l`: the one named is acted on as
/// always (its error is the command's); with a selector, the clusters are confirmed when
/// `confirm` names the verb (`Some((verb, yes))`), then acted on by [`for_each`].
pub async fn one_or_each<F, Fut>(
    kube: &Kube,
    selection: &Selection,
    name: Option<&str>,
    confirm_as: Option<(&str, bool)>,
    ui: &Ui,
    act: F,
) -> anyhow::Result<Code>
where
    F: Fn(Kube, String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Code>>,
{
    if let Some(name) = selection.single(name)? {
        return act(kube.clone(), name.to_string()).await;
    }
    let targets = selection.targets(kube, None).await?;
    if let Some((verb, yes)) = confirm_as {
        confirm(selection, &targets, verb, yes, ui)?;
    }
    Ok(for_each(targets, selection.concurrency, |t| act(t.kube, t.name)).await)
}

/// Runs `act` on each target, `concurrency` at once; a failure is printed with the cluster's
/// name and counted. Over several clusters a summary goes to stderr. The exit code is a
/// failure when any failed (or the worst code a run returned).
pub async fn for_each<F, Fut>(targets: Vec<Target>, concurrency: u16, act: F) -> Code
where
    F: Fn(Target) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Code>>,
{
    use futures::StreamExt;
    let total = targets.len();
    let results: Vec<(String, anyhow::Result<Code>)> = futures::stream::iter(targets)
        .map(|target| {
            let name = target.qualified();
            let run = act(target);
            async move { (name, run.await) }
        })
        .buffer_unordered(usize::from(concurrency.max(1)))
        .collect()
        .await;
    let mut failed = Vec::new();
    for (name, result) in &results {
        match result {
            Ok(Code::Success) => {}
            Ok(_) => failed.push(name.clone()),
            Err(e) => {
                eprintln!("error: {name}: {e:#}");
                failed.push(name.clone());
            }
        }
    }
    failed.sort();
    eprintln!(
        "{total} clusters: {} done, {} failed{}",
        total - failed.len(),
        failed.len(),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" ({})", failed.join(", "))
        }
    );
    Code::of_failures(failed.len())
}

/// The pods and Secrets of the clusters' namespaces that carry the configured cluster labels.
pub struct Fleet {
    pods: BTreeMap<String, Vec<Pod>>,
    secrets: BTreeMap<String, Vec<Secret>>,
}

impl Fleet {
    /// Lists the pods and Secrets of `namespaces`, concurrently.
    pub async fn load<'a>(
        kube: &Kube,
        config: &OperatorConfig,
        namespaces: impl IntoIterator<Item = &'a str>,
    ) -> anyhow::Result<Self> {
        let namespaces: BTreeSet<&str> = namespaces.into_iter().collect();
        let params = ListParams::default().labels(&naming::selector(&config.cluster_labels));
        let lists = namespaces.iter().map(|namespace| {
            let params = params.clone();
            async move {
                let what = format!("listing the pods and Secrets of namespace {namespace}");
                let pods: Api<Pod> = Api::namespaced(kube.client.clone(), namespace);
                let secrets: Api<Secret> = Api::namespaced(kube.client.clone(), namespace);
                let (pods, secrets) = k8s::bounded(kube.timeout, &what, async {
                    tokio::try_join!(pods.list(&params), secrets.list(&params))
                        .map_err(|e| kube.explain(e, Subject::Other(&what)))
                })
                .await?;
                anyhow::Ok((namespace.to_string(), pods.items, secrets.items))
            }
        });
        let mut fleet = Fleet {
            pods: BTreeMap::new(),
            secrets: BTreeMap::new(),
        };
        for (namespace, pods, secrets) in futures::future::try_join_all(lists).await? {
            fleet.pods.insert(namespace.clone(), pods);
            fleet.secrets.insert(namespace, secrets);
        }
        Ok(fleet)
    }

    /// The pods of cluster `namespace/cluster`.
    pub fn pods<'a>(
        &'a self,
        config: &'a OperatorConfig,
        namespace: &str,
        cluster: &'a str,
    ) -> impl Iterator<Item = &'a Pod> + 'a {
        self.pods
            .get(namespace)
            .into_iter()
            .flatten()
            .filter(move |pod| {
                pod.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(&config.cluster_name_label))
                    .is_some_and(|c| c == cluster)
            })
    }

    /// The pod of cluster `namespace/cluster` labelled master.
    pub fn master<'a>(
        &'a self,
        config: &'a OperatorConfig,
        namespace: &str,
        cluster: &'a str,
    ) -> Option<&'a Pod> {
        self.pods(config, namespace, cluster).find(|pod| {
            pod.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(&config.pod_role_label))
                .is_some_and(|r| r == "master")
        })
    }

    /// The password of `user` of cluster `namespace/cluster`, from its credentials Secret.
    pub fn password(
        &self,
        config: &OperatorConfig,
        namespace: &str,
        cluster: &str,
        user: &str,
    ) -> Result<String, String> {
        let name = config.secret_name(user, cluster);
        self.secrets
            .get(namespace)
            .into_iter()
            .flatten()
            .find(|s| s.metadata.name.as_deref() == Some(name.as_str()))
            .and_then(|s| s.data.as_ref()?.get("password").cloned())
            .and_then(|p| String::from_utf8(p.0).ok())
            .ok_or_else(|| format!("cannot read the password of {user} from Secret {name}"))
    }
}
