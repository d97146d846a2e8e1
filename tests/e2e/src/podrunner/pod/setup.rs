//! Setting a pod up: its address, its volumes on the host (kept current afterwards), and how
//! each container of a known image starts (for Spilo's Patroni: certificates, kubeconfig and
//! Patroni's configuration).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use k8s_openapi::api::authentication::v1::{BoundObjectReference, TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret,
    ServiceAccount,
};
use kube::api::{Api, ListParams, PostParams};
use kube::runtime::reflector::{ObjectRef, Store};
use tokio::time::Instant;

use super::super::backup;
use super::super::binaries;
use super::super::env::{self, Objects, Source};
use super::super::image::{self, Entrypoint, Family};
use super::super::ipam::{self, Cidr};
use super::super::patroni::{self, PodPaths};
use super::super::probe;
use super::super::process::{self, Dir, Launch, Mount};
use super::super::status::{ContainerState, Observed, Phase};
use super::super::volume::{self, TokenKey};
use super::{Prepared, RealPod, TOKEN_SECONDS, now};

/// Where Spilo mounts the data volume and keeps `PGROOT`, when the env does not say.
const DEFAULT_PGROOT: &str = "/home/postgres/pgdata/pgroot";

impl RealPod {
    /// Address, network, volumes, and every container of a known image prepared.
    pub(super) async fn set_up(&mut self) -> Result<()> {
        let node: Node = Api::all(self.shared.client.clone())
            .get(&self.node)
            .await
            .with_context(|| format!("reading node {}", self.node))?;
        if self.address.is_none() {
            self.address = Some(self.allocate(&node).await?);
        }
        let address = self.address.ok_or_else(|| anyhow!("no address"))?;
        let host_ip = node.status.as_ref().and_then(|s| {
            s.addresses
                .iter()
                .flatten()
                .find(|a| a.type_ == "InternalIP")
                .map(|a| a.address.clone())
        });
        let (init, containers) = self.spec_containers();
        if self.observed.is_none() {
            let t = now();
            let state = |c: &Container| {
                ContainerState::new(
                    &c.name,
                    c.image.as_deref().and_then(image::family).is_some(),
                )
            };
            self.observed = Some(Observed {
                pod_ip: address.to_string(),
                host_ip,
                start_time: t.clone(),
                init: init.iter().map(state).collect(),
                containers: containers.iter().map(state).collect(),
                initialized: false,
                phase: Phase::Pending,
                ready_since: t,
            });
        }
        tokio::fs::create_dir_all(&self.dir).await?;
        own(&self.dir, 0, 0, 0o711)?;
        self.shared
            .network
            .add(&self.netns, address, &self.name, &self.namespace)
            .await
            .context("setting up the pod's network")?;
        self.sync_volumes().await?;
        self.prepared.clear();
        for c in init.iter().chain(containers.iter()) {
            let Some(family) = c.image.as_deref().and_then(image::family) else {
                continue;
            };
            let prepared = self
                .prepare(c, family, address)
                .await
                .with_context(|| format!("container {}", c.name))?;
            self.prepared.insert(c.name.clone(), prepared);
        }
        Ok(())
    }

    /// Prepares container `name` again before a restart, as a Spilo container configures
    /// itself at every start: its data directory may now ask for another major (after an
    /// in-place upgrade). A failure keeps the previous preparation.
    pub(super) async fn prepare_again(&mut self, name: &str) {
        let (init, containers) = self.spec_containers();
        let Some(c) = init
            .iter()
            .chain(containers.iter())
            .find(|c| c.name == name)
        else {
            return;
        };
        let Some(family) = c.image.as_deref().and_then(image::family) else {
            return;
        };
        if family != Family::Spilo {
            return;
        }
        let Some(address) = self
            .observed
            .as_ref()
            .and_then(|o| o.pod_ip.parse::<Ipv4Addr>().ok())
        else {
            return;
        };
        match self.prepare(c, family, address).await {
            Ok(prepared) => {
                self.prepared.insert(name.to_string(), prepared);
            }
            Err(error) => {
                tracing::warn!(pod = %self.name, namespace = %self.namespace, container = name, "preparing the restart: {error:#}");
            }
        }
    }

    pub(super) async fn sync_volumes_logged(&mut self) {
        if let Err(error) = self.sync_volumes().await {
            tracing::warn!(pod = %self.name, namespace = %self.namespace, "updating volumes: {error:#}");
        }
    }

    /// Makes or updates every volume of the pod on the host: Secret, ConfigMap, downward API
    /// and projected volumes from the current objects (tokens renewed at 80% of their
    /// lifetime), emptyDirs, claims and host paths.
    async fn sync_volumes(&mut self) -> Result<()> {
        let spec = self.pod.spec.clone().unwrap_or_default();
        let volumes = spec.volumes.clone().unwrap_or_default();
        for key in volume::tokens_needed(&volumes) {
            let lifetime = Duration::from_secs(key.1.max(600).unsigned_abs());
            let fresh = self
                .tokens
                .get(&key)
                .is_some_and(|(_, issued)| issued.elapsed() < lifetime.mul_f64(0.8));
            if !fresh {
                let audiences = if key.0.is_empty() {
                    Vec::new()
                } else {
                    vec![key.0.clone()]
                };
                let token = self.token(audiences, key.1).await?;
                self.tokens.insert(key, (token, Instant::now()));
            }
        }
        let mut objects = BTreeMap::new();
        for (source, name) in volume::objects_needed(&volumes) {
            if let Some(data) = self.object(source, &name).await? {
                objects.insert((source, name), data);
            }
        }
        let tokens: BTreeMap<TokenKey, String> = self
            .tokens
            .iter()
            .map(|(k, (t, _))| (k.clone(), t.clone()))
            .collect();
        let pod_ip = self.address.map(|a| a.to_string()).unwrap_or_default();
        let fs_group = spec
            .security_context
            .as_ref()
            .and_then(|s| s.fs_group)
            .and_then(|g| u32::try_from(g).ok());
        for v in &volumes {
            let input = volume::Input {
                pod: &self.pod,
                pod_ip: &pod_ip,
                objects: &objects,
                tokens: &tokens,
            };
            let dir = self.dir.join("volumes").join(&v.name);
            let host = if let Some(payload) = volume::payload(v, &input)? {
                let first = !self.volumes.contains_key(&v.name);
                let changed = volume::write_atomic(&dir, &payload, fs_group)
                    .with_context(|| format!("writing volume {}", v.name))?;
                if changed && !first {
                    tracing::info!(pod = %self.name, namespace = %self.namespace, volume = %v.name, "volume updated");
                }
                dir
            } else if let Some(claim) = &v.persistent_volume_claim {
                match self.volumes.get(&v.name) {
                    Some(path) => path.clone(),
                    None => self.claim_path(&claim.claim_name).await?,
                }
            } else if v.empty_dir.is_some() {
                tokio::fs::create_dir_all(&dir).await?;
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777))?;
                dir
            } else if let Some(host_path) = &v.host_path {
                let path = PathBuf::from(&host_path.path);
                if host_path.type_.as_deref() == Some("DirectoryOrCreate") {
                    tokio::fs::create_dir_all(&path).await?;
                }
                path
            } else {
                tracing::debug!(pod = %self.name, "volume {} is of a kind the runner does not mount", v.name);
                continue;
            };
            self.volumes.insert(v.name.clone(), host);
        }
        Ok(())
    }

    /// A Secret's or ConfigMap's data: from the runner's watch, else read now (it may be
    /// newer than the watch has seen).
    async fn object(
        &self,
        source: Source,
        name: &str,
    ) -> Result<Option<BTreeMap<String, Vec<u8>>>> {
        let stores = &self.shared.stores;
        Ok(match source {
            Source::Secret => self.watched_or_read(&stores.secrets, name).await?.map(|s| {
                s.data
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k, v.0))
                    .collect()
            }),
            Source::ConfigMap => self
                .watched_or_read(&stores.config_maps, name)
                .await?
                .map(|c| {
                    let text = c.data.unwrap_or_default().into_iter();
                    let binary = c.binary_data.unwrap_or_default().into_iter();
                    text.map(|(k, v)| (k, v.into_bytes()))
                        .chain(binary.map(|(k, v)| (k, v.0)))
                        .collect()
                }),
        })
    }

    /// Object `name` of the pod's namespace: the watch's copy, else a read.
    async fn watched_or_read<K>(&self, store: &Store<K>, name: &str) -> Result<Option<K>>
    where
        K: kube::Resource<Scope = kube::core::NamespaceResourceScope, DynamicType = ()>
            + Clone
            + std::fmt::Debug
            + serde::de::DeserializeOwned,
    {
        if let Some(watched) = store.get(&ObjectRef::new(name).within(&self.namespace)) {
            return Ok(Some((*watched).clone()));
        }
        Ok(
            Api::<K>::namespaced(self.shared.client.clone(), &self.namespace)
                .get_opt(name)
                .await?,
        )
    }

    /// The container's volume mounts, resolved to host paths (`subPath`s included).
    fn mounts(&self, container: &Container, env: &BTreeMap<String, String>) -> Result<Vec<Mount>> {
        let volumes = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.volumes.clone())
            .unwrap_or_default();
        let mut out = Vec::new();
        for m in container.volume_mounts.iter().flatten() {
            let Some(host) = self.volumes.get(&m.name) else {
                tracing::debug!(pod = %self.name, "volume {} at {} is not mounted (not supported)", m.name, m.mount_path);
                continue;
            };
            let files = volumes.iter().find(|v| v.name == m.name).is_some_and(|v| {
                v.secret.is_some()
                    || v.config_map.is_some()
                    || v.projected.is_some()
                    || v.downward_api.is_some()
            });
            let sub = match (&m.sub_path, &m.sub_path_expr) {
                (Some(s), _) if !s.is_empty() => Some(s.clone()),
                (_, Some(e)) if !e.is_empty() => Some(env::expand(e, env)),
                _ => None,
            };
            let host = match sub {
                Some(sub) => {
                    if Path::new(&sub)
                        .components()
                        .any(|c| !matches!(c, std::path::Component::Normal(_)))
                    {
                        bail!("volume mount {}: subPath {sub} leaves the volume", m.name);
                    }
                    let path = host.join(&sub);
                    if !path.exists() && !files {
                        std::fs::create_dir_all(&path)?;
                    }
                    // A key of a Secret or ConfigMap is a symlink into `..data`: the kubelet
                    // mounts the file it names then (no updates reach a subPath).
                    std::fs::canonicalize(&path)
                        .with_context(|| format!("volume mount {}: subPath {sub}", m.name))?
                }
                None => host.clone(),
            };
            out.push(Mount {
                inside: PathBuf::from(&m.mount_path),
                file: host.is_file(),
                host,
                read_only: files || m.read_only.unwrap_or(false),
            });
        }
        Ok(out)
    }

    /// The uid and gid a command container runs as (`runAsUser`/`runAsGroup` of the
    /// container, else of the pod); `None`: root, the images' user.
    fn run_as(&self, container: &Container) -> Option<(u32, u32)> {
        let pod = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.security_context.as_ref());
        let c = container.security_context.as_ref();
        let uid = c
            .and_then(|s| s.run_as_user)
            .or_else(|| pod.and_then(|s| s.run_as_user))?;
        let gid = c
            .and_then(|s| s.run_as_group)
            .or_else(|| pod.and_then(|s| s.run_as_group))
            .unwrap_or(0);
        Some((u32::try_from(uid).ok()?, u32::try_from(gid).ok()?))
    }

    fn etc_files(&self) -> Vec<(PathBuf, PathBuf)> {
        let etc = PathBuf::from("/etc/netns").join(&self.netns.name);
        vec![
            (PathBuf::from("/etc/hosts"), etc.join("hosts")),
            (PathBuf::from("/etc/resolv.conf"), etc.join("resolv.conf")),
        ]
    }

    /// How container `c` of `family` starts.
    async fn prepare(&self, c: &Container, family: Family, address: Ipv4Addr) -> Result<Prepared> {
        let objects = self.fetch_objects(c).await?;
        let resolved = env::resolve(&self.pod, c, &address.to_string(), &objects)?;
        let newest = self
            .shared
            .pg_bins
            .newest()
            .ok_or_else(|| anyhow!("no PostgreSQL binaries on this machine"))?
            .to_path_buf();
        let mut env = image::image_env(
            family,
            &newest,
            &self.shared.patroni,
            self.shared.backup_tools.as_deref(),
        );
        env.extend(resolved.clone());
        let mut mounts = self.mounts(c, &env)?;
        // The kubelet's variables of the API server, for the programs that call it without
        // a kubeconfig (the logical backup's dump script; Spilo's Patroni gets a kubeconfig).
        if family == Family::LogicalBackup
            && let Some((host, port)) = self
                .shared
                .api_server_for_pods
                .strip_prefix("https://")
                .and_then(|a| a.rsplit_once(':'))
        {
            env.insert("KUBERNETES_SERVICE_HOST".to_string(), host.to_string());
            env.insert("KUBERNETES_SERVICE_PORT".to_string(), port.to_string());
        }
        if matches!(family, Family::Spilo | Family::LogicalBackup) {
            mounts.extend(
                self.shared
                    .pg_bins
                    .spilo_layout()
                    .into_iter()
                    .map(|(inside, host)| Mount {
                        inside,
                        host,
                        read_only: true,
                        file: false,
                    }),
            );
        }
        // Spilo runs the major of its data directory, else the one PGVERSION asks for.
        let mut major = None;
        let bin_dir = match family {
            Family::Spilo => {
                let pairs: Vec<(PathBuf, PathBuf)> = mounts
                    .iter()
                    .map(|m| (m.inside.clone(), m.host.clone()))
                    .collect();
                let version_file = env
                    .get("PGDATA")
                    .and_then(|d| translate(&Path::new(d).join("PG_VERSION"), &pairs))
                    .and_then(|f| std::fs::read_to_string(f).ok());
                major = binaries::spilo_major(
                    version_file.as_deref(),
                    resolved.get("PGVERSION").map(String::as_str),
                );
                match major {
                    Some(major) => self
                        .shared
                        .pg_bins
                        .for_major(major)
                        .map_err(|e| anyhow!(e))?
                        .to_path_buf(),
                    None => newest.clone(),
                }
            }
            _ => newest.clone(),
        };
        if bin_dir != newest {
            env = image::image_env(
                family,
                &bin_dir,
                &self.shared.patroni,
                self.shared.backup_tools.as_deref(),
            );
            env.extend(resolved.clone());
        }
        let dir = self.dir.join("containers").join(&c.name);
        match image::entrypoint(family, c, &env) {
            Entrypoint::Patroni => {
                let major = major
                    .or_else(|| self.shared.pg_bins.major_of(&bin_dir))
                    .ok_or_else(|| {
                        anyhow!(
                            "no major version: neither PG_VERSION, PGVERSION nor the binaries say"
                        )
                    })?;
                self.prepare_patroni(c, resolved, env, mounts, address, (&bin_dir, major))
                    .await
            }
            Entrypoint::Command(command) => Ok(Prepared {
                launch: Launch {
                    dir,
                    mounts,
                    etc: self.etc_files(),
                    dirs: image_dirs(family)?,
                    user: self.run_as(c),
                    working_dir: c
                        .working_dir
                        .clone()
                        .unwrap_or_else(|| image::working_dir(family).to_string()),
                    command,
                },
                env,
                probe: probe::of(c, false),
            }),
        }
    }

    /// Spilo's start: certificates, the kubeconfig and the Patroni configuration in a run
    /// directory mounted at /home/postgres/run, `PGROOT` made the database user's, Patroni
    /// as `postgres`.
    async fn prepare_patroni(
        &self,
        c: &Container,
        resolved: BTreeMap<String, String>,
        image_env: BTreeMap<String, String>,
        mut mounts: Vec<Mount>,
        address: Ipv4Addr,
        (bin_dir, major): (&Path, u32),
    ) -> Result<Prepared> {
        let dir = self.dir.join("containers").join(&c.name);
        let (uid, gid) = database_user()?;
        let run_dir = self.dir.join("run");
        tokio::fs::create_dir_all(&run_dir).await?;
        own(&run_dir, uid, gid, 0o700)?;
        let pairs: Vec<(PathBuf, PathBuf)> = mounts
            .iter()
            .map(|m| (m.inside.clone(), m.host.clone()))
            .collect();
        let pgroot = pgroot(c, &pairs, uid, gid).await?;
        make_certificate(&run_dir, &self.name, uid, gid).await?;
        let inside_run = PathBuf::from(process::CONTAINER_RUN_DIR);
        let token = self.token(Vec::new(), TOKEN_SECONDS).await?;
        std::fs::write(run_dir.join("ca.crt"), &self.shared.ca_pem)?;
        write_private(
            &run_dir.join("kubeconfig"),
            &self.kubeconfig(&token, &inside_run.join("ca.crt")),
            uid,
            gid,
        )?;
        let config = patroni::config(
            &self.name,
            &address.to_string(),
            &resolved,
            &PodPaths {
                pgroot: &pgroot,
                run_dir: &inside_run,
                bin_dir,
                kubeconfig: &inside_run.join("kubeconfig"),
                major,
                backup_tools: self.shared.backup_tools.as_deref(),
            },
        )?;
        write_private(
            &run_dir.join("patroni.yml"),
            &serde_yaml::to_string(&config)?,
            uid,
            gid,
        )?;
        if let Some(source) = patroni::clone_source(&resolved)? {
            write_private(
                &run_dir.join(patroni::CLONE_PGPASS),
                &patroni::clone_pgpass(&source),
                uid,
                gid,
            )?;
            let script = run_dir.join(patroni::CLONE_SCRIPT);
            write_private(
                &script,
                &patroni::clone_script(&source, bin_dir, &inside_run.join(patroni::CLONE_PGPASS)),
                uid,
                gid,
            )?;
            own(&script, uid, gid, 0o700)?;
        }
        let mut command = vec![
            self.shared.patroni.display().to_string(),
            inside_run.join("patroni.yml").display().to_string(),
        ];
        if let Some(tools) = self.shared.backup_tools.as_deref() {
            let scripts = self.dir.join("scripts");
            tokio::fs::create_dir_all(&scripts).await?;
            let mut written = backup_scripts(&resolved, tools, bin_dir, major)?;
            // A cluster that archives takes base backups on BACKUP_SCHEDULE: Spilo's cron
            // beside Patroni.
            if backup::archive(&resolved, major).is_some() {
                let pgdata = image_env
                    .get("PGDATA")
                    .cloned()
                    .unwrap_or_else(|| "/home/postgres/pgdata/pgroot/data".to_string());
                written.push((
                    ScriptDir::Run,
                    backup::CRON_SCRIPT,
                    backup::cron_script(&backup::backup_schedule(&resolved)?, &pgdata),
                ));
                written.push((
                    ScriptDir::Run,
                    backup::START_SCRIPT,
                    backup::start_script(
                        &inside_run,
                        &self.shared.patroni,
                        &inside_run.join("patroni.yml"),
                    ),
                ));
                command = vec![inside_run.join(backup::START_SCRIPT).display().to_string()];
            }
            for (dir, name, text) in written {
                let path = match dir {
                    ScriptDir::Run => run_dir.join(name),
                    ScriptDir::Scripts => scripts.join(name),
                };
                write_private(&path, &text, uid, gid)?;
                own(&path, uid, gid, 0o700)?;
            }
            own(&scripts, uid, gid, 0o755)?;
            mounts.push(Mount {
                inside: PathBuf::from(backup::SCRIPTS_DIR),
                host: scripts,
                read_only: true,
                file: false,
            });
        }
        mounts.push(Mount {
            inside: inside_run.clone(),
            host: run_dir,
            read_only: false,
            file: false,
        });
        // Patroni talks to the API server through the kubeconfig, not the in-cluster
        // variables; PATRONI_* would override its configuration.
        let mut env: BTreeMap<String, String> = image_env
            .into_iter()
            .filter(|(k, _)| !k.starts_with("KUBERNETES_SERVICE") && !k.starts_with("PATRONI_"))
            .collect();
        env.insert("HOME".into(), "/home/postgres".into());
        env.insert(
            "KUBECONFIG".into(),
            inside_run.join("kubeconfig").display().to_string(),
        );
        Ok(Prepared {
            launch: Launch {
                dir,
                mounts,
                etc: self.etc_files(),
                dirs: image_dirs(Family::Spilo)?,
                user: Some((uid, gid)),
                working_dir: image::working_dir(Family::Spilo).to_string(),
                command,
            },
            env,
            probe: probe::of(c, true),
        })
    }

    /// An address from the node's podCIDR: the one the pod already had (a runner restart),
    /// else the highest one neither this runner nor another pod on the node uses.
    async fn allocate(&self, node: &Node) -> Result<Ipv4Addr> {
        let cidr: Cidr = node
            .spec
            .as_ref()
            .and_then(|s| s.pod_cidr.clone())
            .ok_or_else(|| anyhow!("node {} has no podCIDR", self.node))?
            .parse()
            .map_err(|e: String| anyhow!(e))?;
        let others = Api::<Pod>::all(self.shared.client.clone())
            .list(&ListParams::default().fields(&format!("spec.nodeName={}", self.node)))
            .await?;
        let mut addresses = self.shared.addresses.lock().await;
        let ours = addresses.entry(self.node.clone()).or_default();
        let mut in_use = ours.clone();
        for other in &others.items {
            if other.metadata.uid == self.pod.metadata.uid {
                continue;
            }
            if let Some(ip) = other.status.as_ref().and_then(|s| s.pod_ip.as_ref())
                && let Ok(ip) = ip.parse()
            {
                in_use.insert(ip);
            }
        }
        let previous = self
            .pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.as_ref())
            .and_then(|ip| ip.parse::<Ipv4Addr>().ok())
            .filter(|ip| cidr.contains(*ip) && !in_use.contains(ip));
        let ip = previous
            .or_else(|| ipam::allocate(&cidr, &in_use))
            .ok_or_else(|| anyhow!("no free address left in {}'s podCIDR", self.node))?;
        ours.insert(ip);
        Ok(ip)
    }

    /// The host directory of a bound claim's hostPath volume.
    async fn claim_path(&self, claim: &str) -> Result<PathBuf> {
        let pvc: PersistentVolumeClaim =
            Api::namespaced(self.shared.client.clone(), &self.namespace)
                .get(claim)
                .await
                .with_context(|| format!("reading claim {claim}"))?;
        let volume = pvc
            .spec
            .as_ref()
            .and_then(|s| s.volume_name.clone())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| anyhow!("claim {claim} is not bound yet"))?;
        let pv: PersistentVolume = Api::all(self.shared.client.clone())
            .get(&volume)
            .await
            .with_context(|| format!("reading volume {volume}"))?;
        let spec = pv.spec.unwrap_or_default();
        let path = spec
            .host_path
            .map(|h| h.path)
            .or_else(|| spec.local.map(|l| l.path))
            .ok_or_else(|| anyhow!("volume {volume} is neither hostPath nor local"))?;
        tokio::fs::create_dir_all(&path).await?;
        Ok(PathBuf::from(path))
    }

    async fn fetch_objects(&self, container: &Container) -> Result<Objects> {
        let mut objects = Objects::new();
        for (source, name) in env::references(container) {
            let data = match source {
                Source::Secret => {
                    let api: Api<Secret> =
                        Api::namespaced(self.shared.client.clone(), &self.namespace);
                    api.get_opt(&name).await?.map(|s| {
                        s.data
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
                            .collect::<BTreeMap<_, _>>()
                    })
                }
                Source::ConfigMap => {
                    let api: Api<ConfigMap> =
                        Api::namespaced(self.shared.client.clone(), &self.namespace);
                    api.get_opt(&name)
                        .await?
                        .map(|c| c.data.unwrap_or_default().into_iter().collect())
                }
            };
            if let Some(data) = data {
                objects.insert((source, name), data);
            }
        }
        Ok(objects)
    }

    /// A token of the pod's service account, bound to the pod (invalid once it is gone).
    async fn token(&self, audiences: Vec<String>, seconds: i64) -> Result<String> {
        let account = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.service_account_name.clone())
            .unwrap_or_else(|| "default".to_string());
        let request = TokenRequest {
            spec: TokenRequestSpec {
                audiences,
                expiration_seconds: Some(seconds),
                bound_object_ref: Some(BoundObjectReference {
                    api_version: Some("v1".into()),
                    kind: Some("Pod".into()),
                    name: Some(self.name.clone()),
                    uid: self.pod.metadata.uid.clone(),
                }),
            },
            ..TokenRequest::default()
        };
        let api: Api<ServiceAccount> = Api::namespaced(self.shared.client.clone(), &self.namespace);
        let response = api
            .create_token_request(&account, &PostParams::default(), &request)
            .await
            .with_context(|| format!("requesting a token of service account {account}"))?;
        response
            .status
            .map(|s| s.token)
            .ok_or_else(|| anyhow!("the token request of {account} returned no token"))
    }

    fn kubeconfig(&self, token: &str, ca: &Path) -> String {
        let config = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Config",
            "current-context": patroni::KUBE_CONTEXT,
            "clusters": [{"name": "pgctl", "cluster": {
                "server": self.shared.api_server_for_pods,
                "certificate-authority": ca.display().to_string(),
            }}],
            "users": [{"name": "pod", "user": {"token": token}}],
            "contexts": [{"name": patroni::KUBE_CONTEXT, "context": {
                "cluster": "pgctl", "user": "pod", "namespace": self.namespace,
            }}],
        });
        serde_yaml::to_string(&config).unwrap_or_default()
    }
}

/// Where a script of the WAL archive goes: the run directory, or Spilo's `/scripts`.
enum ScriptDir {
    Run,
    Scripts,
}

/// The scripts of the pod's WAL archive and of a clone from an archive, if it asks for them.
fn backup_scripts(
    env: &BTreeMap<String, String>,
    tools: &Path,
    bin_dir: &Path,
    major: u32,
) -> Result<Vec<(ScriptDir, &'static str, String)>> {
    let mut scripts = Vec::new();
    if let Some(archive) = backup::archive(env, major) {
        let retain = backup::backups_to_retain(env)?;
        scripts.push((
            ScriptDir::Run,
            backup::WAL_ARCHIVE_SCRIPT,
            backup::wal_archive_script(&archive, tools),
        ));
        scripts.push((
            ScriptDir::Run,
            backup::WAL_RESTORE_SCRIPT,
            backup::wal_restore_script(&archive, tools, ""),
        ));
        scripts.push((
            ScriptDir::Scripts,
            backup::BACKUP_SCRIPT,
            backup::backup_script(&archive, tools, bin_dir, retain),
        ));
    }
    if let Some(archive) = backup::standby_archive(env)? {
        scripts.push((
            ScriptDir::Run,
            backup::STANDBY_WAL_RESTORE_SCRIPT,
            backup::wal_restore_script(&archive, tools, "STANDBY_"),
        ));
        scripts.push((
            ScriptDir::Run,
            backup::STANDBY_RESTORE_SCRIPT,
            backup::standby_restore_script(&archive, tools),
        ));
    }
    if let Some((archive, target)) = backup::clone_archive(env, major)? {
        scripts.push((
            ScriptDir::Run,
            backup::CLONE_WAL_RESTORE_SCRIPT,
            backup::wal_restore_script(&archive, tools, "CLONE_"),
        ));
        scripts.push((
            ScriptDir::Run,
            backup::CLONE_RESTORE_SCRIPT,
            backup::clone_restore_script(&archive, tools, target.as_deref()),
        ));
    }
    Ok(scripts)
}

/// `PGROOT` as the pod sees it; on the host, it and its volume's root are made the
/// database user's (as `fsGroup` would make them usable).
async fn pgroot(
    container: &Container,
    mounts: &[(PathBuf, PathBuf)],
    uid: u32,
    gid: u32,
) -> Result<PathBuf> {
    let pgroot = container
        .env
        .iter()
        .flatten()
        .find(|e| e.name == "PGROOT")
        .and_then(|e| e.value.clone())
        .unwrap_or_else(|| DEFAULT_PGROOT.to_string());
    let Some(host) = translate(Path::new(&pgroot), mounts) else {
        bail!("PGROOT {pgroot} is on no volume of the container");
    };
    for (_, root) in mounts {
        if host.starts_with(root) {
            own(root, uid, gid, 0o755)?;
        }
    }
    tokio::fs::create_dir_all(&host).await?;
    own(&host, uid, gid, 0o700)?;
    Ok(PathBuf::from(pgroot))
}

/// Where `path` of the container is on the host, by the longest mount that holds it.
pub fn translate(path: &Path, mounts: &[(PathBuf, PathBuf)]) -> Option<PathBuf> {
    mounts
        .iter()
        .filter_map(|(mount, host)| {
            path.strip_prefix(mount)
                .ok()
                .map(|rest| (mount, host.join(rest)))
        })
        .max_by_key(|(mount, _)| mount.as_os_str().len())
        .map(|(_, host)| host)
}

/// The directories the image has that the container's root (this machine's, with empty
/// `/home` and `/run`) lacks.
fn image_dirs(family: Family) -> Result<Vec<Dir>> {
    match family {
        Family::Spilo => {
            let (uid, gid) = database_user()?;
            Ok(vec![
                Dir {
                    path: PathBuf::from("/home/postgres"),
                    uid,
                    gid,
                    mode: 0o755,
                },
                Dir {
                    path: PathBuf::from(patroni::SOCKET_DIR),
                    uid,
                    gid,
                    mode: 0o2775,
                },
            ])
        }
        // The image's `pgbouncer` user and group (100/101) own its directories.
        Family::LogicalBackup => Ok(Vec::new()),
        Family::PgBouncer => Ok(
            ["/etc/pgbouncer", "/var/run/pgbouncer", "/var/log/pgbouncer"]
                .into_iter()
                .map(|path| Dir {
                    path: PathBuf::from(path),
                    uid: 100,
                    gid: 101,
                    mode: 0o755,
                })
                .collect(),
        ),
    }
}

/// The uid and gid of the database user, from /etc/passwd.
fn database_user() -> Result<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd")?;
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.first() == Some(&process::DATABASE_USER) && fields.len() > 3 {
            return Ok((fields[2].parse()?, fields[3].parse()?));
        }
    }
    bail!(
        "no user {} on this machine (install Debian's postgresql package: tests/postgres/ensure)",
        process::DATABASE_USER
    )
}

fn own(path: &Path, uid: u32, gid: u32, mode: u32) -> Result<()> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .with_context(|| format!("chown {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod {}", path.display()))
}

fn write_private(path: &Path, contents: &str, uid: u32, gid: u32) -> Result<()> {
    std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))?;
    own(path, uid, gid, 0o600)
}

/// A self-signed server certificate, as Spilo makes one at start when none is given.
async fn make_certificate(run_dir: &Path, name: &str, uid: u32, gid: u32) -> Result<()> {
    let key = run_dir.join("server.key");
    let crt = run_dir.join("server.crt");
    if key.exists() && crt.exists() {
        return Ok(());
    }
    let out = tokio::process::Command::new("openssl")
        .args(["req", "-x509", "-nodes", "-days", "3650", "-newkey", "ec"])
        .args(["-pkeyopt", "ec_paramgen_curve:prime256v1"])
        .arg("-subj")
        .arg(format!("/CN={name}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .await
        .context("running openssl")?;
    if !out.status.success() {
        bail!("openssl: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    own(&key, uid, gid, 0o600)?;
    own(&crt, uid, gid, 0o644)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_translate_through_the_longest_mount() {
        let mounts = vec![
            (
                PathBuf::from("/home/postgres/pgdata"),
                PathBuf::from("/v/pv1"),
            ),
            (PathBuf::from("/home/postgres"), PathBuf::from("/e/home")),
        ];
        assert_eq!(
            translate(Path::new("/home/postgres/pgdata/pgroot"), &mounts),
            Some(PathBuf::from("/v/pv1/pgroot"))
        );
        assert_eq!(
            translate(Path::new("/home/postgres/x"), &mounts),
            Some(PathBuf::from("/e/home/x"))
        );
        assert_eq!(translate(Path::new("/srv"), &mounts), None);
    }
}
