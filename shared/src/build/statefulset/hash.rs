//! The pod-template hash, [`TEMPLATE_HASH_ANNOTATION`](crate::build::TEMPLATE_HASH_ANNOTATION)
//! on the pod template: a pod whose value differs from the StatefulSet's runs an outdated
//! template and is replaced by the rolling update ([`crate::rollout::is_outdated`]). What the
//! hash covers therefore decides which changes roll a cluster, and a change of what it covers
//! rolls every cluster on controller upgrade.
//!
//! Exactly what it covers:
//! - [`template_hash`] is the SHA-256, as 64 lowercase hex digits, of the pod spec (the
//!   template's `spec`, not its `metadata`) serialised to JSON by k8s-openapi (unset fields
//!   absent, arrays in their order) and written with object keys sorted at every level and no
//!   whitespace ([`canonical_json`]). So every container counts (`postgres`, sidecars: image,
//!   command, env, envFrom, ports, resources, probes, volume mounts, security context), as do the
//!   init containers, volumes, pod security context, service account, termination grace
//!   period, tolerations, affinity, topology spread constraints, scheduler name and priority
//!   class. One thing is rewritten before hashing: in the container named `postgres`, the value
//!   of every `SPILO_CONFIGURATION` variable that parses as JSON is replaced by its static part
//!   ([`spilo::static_part`]: `bootstrap.dcs` emptied to `{}`, then canonical JSON), because the
//!   dynamic configuration reaches running clusters through Patroni's `PATCH /config`. A value
//!   that is not JSON is hashed as written. And the `postgres` container's `CLONE_*` and
//!   `STANDBY_*` variables are left out ([`crate::origin::is_bootstrap_only_env`]): Spilo reads
//!   them only when a member bootstraps, and a standby's source and its promotion reach running
//!   clusters through `PATCH /config` too.
//! - Not covered: the pod template's labels and annotations (`podAnnotations`,
//!   `custom_pod_annotations`, inherited annotations), which are patched on pods in place, and
//!   everything of the StatefulSet outside the pod spec (replicas, selector, service name,
//!   volume claim templates, update strategy, pod management policy, PVC retention policy).
//! - [`restart_hash`]: when the `postgresql` resource carries a non-empty
//!   [`RESTARTED_AT_ANNOTATION`] (`pgctl rollout restart`), the template's hash is instead the
//!   SHA-256 (hex) of the text `{template_hash}\npgctl.acid.zalan.do/restartedAt={value}`, so
//!   each restart request gives a new hash; without it the hash is [`template_hash`] unchanged.
//! - [`hash_with_image`] is the hash a template would have if its `postgres` container ran
//!   another image (same rules, the restart value read from the template's own annotation):
//!   how `enable_lazy_spilo_upgrade` recognises a pod that differs only by its image.
//!
//! As the hash is taken over the serialised spec, anything that changes that text changes it:
//! a field a builder starts to set, another default, another order of env variables,
//! containers or volumes, another spelling of a quantity, a k8s-openapi upgrade that
//! serialises differently. `shared/tests/template_hash.rs` pins the hashes of the fixture and
//! reference manifests, so that such a change is seen and decided, not shipped by accident.
//!
//! ## A new controller build never replaces pods by itself
//!
//! A build that changes what the hash covers would make every pod outdated. So the StatefulSet
//! also records what its template was built from, [`inputs_hash`]
//! ([`INPUTS_HASH_ANNOTATION`](crate::build::INPUTS_HASH_ANNOTATION)): the resource's uid and
//! `metadata.generation` (every change of the spec), the restart request and the operator
//! ConfigMap's data as written (not as parsed, which a build's defaults would change). When the
//! plan replaces a live template whose inputs equal today's, the two templates differ only
//! because the build did: the live hash joins
//! [`EQUIVALENT_HASHES_ANNOTATION`](crate::build::EQUIVALENT_HASHES_ANNOTATION) on the new
//! template ([`carry_equivalent_hashes`]), and pods carrying it count as current
//! ([`crate::rollout::pod_outdated`]). They take the new template up when they are replaced for
//! another reason, like pods under `enable_lazy_spilo_upgrade`. Once the inputs change and the
//! template with them (a new image, resources, a restart request, a configuration key the
//! template reads), the list is emptied and every pod not running the new template is rolled.
//! A change of inputs that leaves the template as it was (a new user, another Service
//! annotation) keeps the list.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::build::{
    ClusterContext, EQUIVALENT_HASHES_ANNOTATION, INPUTS_HASH_ANNOTATION, RESTARTED_AT_ANNOTATION,
    TEMPLATE_HASH_ANNOTATION, canonical_json, spilo,
};
use crate::digest::hex;

use super::CONTAINER_NAME;

/// Stable hash of a pod spec: the SHA-256 (hex) of its JSON with sorted keys.
///
/// Only what needs a new pod counts. Labels and annotations of pods can be patched in place,
/// so a change of them alone (e.g. `podAnnotations`) is no reason to replace pods; and the
/// dynamic part of `SPILO_CONFIGURATION` (`bootstrap.dcs`: the DCS PostgreSQL parameters,
/// `ttl`, `loop_wait` …) reaches running clusters through Patroni's `PATCH /config`, so it is
/// left out ([`spilo::static_part`]).
pub fn template_hash(spec: &PodSpec) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(spec)?;
    let postgres = value
        .get_mut("containers")
        .and_then(Value::as_array_mut)
        .and_then(|c| c.iter_mut().find(|c| c["name"] == CONTAINER_NAME));
    let env = postgres
        .and_then(|c| c.get_mut("env"))
        .and_then(Value::as_array_mut);
    if let Some(env) = env {
        env.retain(|var| {
            !var["name"]
                .as_str()
                .is_some_and(crate::origin::is_bootstrap_only_env)
        });
    }
    let env = value
        .get_mut("containers")
        .and_then(Value::as_array_mut)
        .and_then(|c| c.iter_mut().find(|c| c["name"] == CONTAINER_NAME))
        .and_then(|c| c.get_mut("env"))
        .and_then(Value::as_array_mut);
    for var in env.into_iter().flatten() {
        if var["name"] != spilo::ENV_NAME {
            continue;
        }
        let parsed = var["value"]
            .as_str()
            .and_then(|text| serde_json::from_str::<Value>(text).ok());
        if let Some(configuration) = parsed {
            var["value"] = Value::String(canonical_json(&spilo::static_part(&configuration)));
        }
    }
    let json = canonical_json(&value);
    let digest = Sha256::digest(json.as_bytes());
    Ok(hex(&digest))
}

/// The template hash of a pod spec restarted at `restarted_at` (the value of
/// [`RESTARTED_AT_ANNOTATION`]): the SHA-256 of the spec's hash and that value, so each restart
/// request gives a new hash. Without a restart request the hash is [`template_hash`], so
/// clusters that never asked for one keep their hash.
pub fn restart_hash(spec_hash: &str, restarted_at: &str) -> String {
    let digest = Sha256::digest(format!(
        "{spec_hash}\n{RESTARTED_AT_ANNOTATION}={restarted_at}"
    ));
    hex(&digest)
}

/// The template hash a pod made from `template` would carry if its `postgres` container ran
/// `image` instead: how `enable_lazy_spilo_upgrade` recognises a pod that differs from the
/// template only by its image. `None` when the template has no spec.
pub fn hash_with_image(template: &PodTemplateSpec, image: &str) -> Option<String> {
    let mut spec = template.spec.clone()?;
    for container in spec
        .containers
        .iter_mut()
        .filter(|c| c.name == CONTAINER_NAME)
    {
        container.image = Some(image.to_string());
    }
    let hash = template_hash(&spec).ok()?;
    let restarted_at = template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(RESTARTED_AT_ANNOTATION));
    Some(match restarted_at {
        Some(at) => restart_hash(&hash, at),
        None => hash,
    })
}

/// At most this many template hashes are kept as equivalent (the newest): pods made by a build
/// more upgrades back than that are replaced.
pub const MAX_EQUIVALENT_HASHES: usize = 8;

/// What the StatefulSet's pod template is built from: the SHA-256 (hex) of the text
/// `uid={uid}\ngeneration={generation}\nrestartedAt={value}\nconfig={digest}`, with the
/// resource's uid and `metadata.generation` (empty when unset), the value of
/// [`RESTARTED_AT_ANNOTATION`] (empty without one) and
/// [`OperatorConfig::data_digest`](crate::config::OperatorConfig::data_digest). Nothing a build
/// decides goes in, so two builds give the same value for the same inputs.
pub fn inputs_hash(ctx: &ClusterContext<'_>) -> String {
    let meta = &ctx.pg.metadata;
    let restarted_at = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(RESTARTED_AT_ANNOTATION))
        .map(String::as_str)
        .unwrap_or_default();
    let text = format!(
        "uid={}\ngeneration={}\nrestartedAt={restarted_at}\nconfig={}",
        meta.uid.as_deref().unwrap_or_default(),
        meta.generation.map(|g| g.to_string()).unwrap_or_default(),
        ctx.config.data_digest,
    );
    hex(&Sha256::digest(text))
}

/// Decides the [`EQUIVALENT_HASHES_ANNOTATION`] of `desired`, the StatefulSet about to replace
/// `live` (as JSON), and writes it on `desired`'s pod template:
/// - same inputs ([`INPUTS_HASH_ANNOTATION`] equal on both), another template hash: the live
///   template was made by another build from the same inputs, so its hash joins the live list;
/// - other inputs, same template hash: the change does not touch the template; the live list
///   is kept;
/// - other inputs and another template (or a live StatefulSet without inputs hash): the change
///   is a real one, the list is emptied.
///
/// The desired hash itself is never in the list, and at most [`MAX_EQUIVALENT_HASHES`] are kept.
pub fn carry_equivalent_hashes(desired: &mut StatefulSet, live: &Value) {
    let annotation = |value: Option<&Value>, key: &str| -> Option<String> {
        value?
            .get("metadata")?
            .get("annotations")?
            .get(key)?
            .as_str()
            .map(str::to_string)
    };
    let live_template = live.get("spec").and_then(|s| s.get("template"));
    let live_inputs = annotation(Some(live), INPUTS_HASH_ANNOTATION);
    let live_hash = annotation(live_template, TEMPLATE_HASH_ANNOTATION);
    let live_list = annotation(live_template, EQUIVALENT_HASHES_ANNOTATION).unwrap_or_default();
    let desired_inputs = desired
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(INPUTS_HASH_ANNOTATION))
        .cloned();
    let Some(template) = desired.spec.as_mut().map(|s| &mut s.template) else {
        return;
    };
    let annotations = template
        .metadata
        .get_or_insert_with(Default::default)
        .annotations
        .get_or_insert_with(Default::default);
    let desired_hash = annotations.get(TEMPLATE_HASH_ANNOTATION).cloned();
    let same_inputs = live_inputs.is_some() && live_inputs == desired_inputs;
    let same_template = live_hash.is_some() && live_hash == desired_hash;
    let mut list: Vec<String> = Vec::new();
    if same_inputs || same_template {
        list.extend(
            live_list
                .split(',')
                .filter(|h| !h.is_empty())
                .map(str::to_string),
        );
    }
    if same_inputs && let Some(hash) = live_hash {
        list.push(hash);
    }
    list.retain(|h| Some(h) != desired_hash.as_ref());
    let mut seen = std::collections::BTreeSet::new();
    list.retain(|h| seen.insert(h.clone()));
    let excess = list.len().saturating_sub(MAX_EQUIVALENT_HASHES);
    list.drain(..excess);
    if list.is_empty() {
        annotations.remove(EQUIVALENT_HASHES_ANNOTATION);
    } else {
        annotations.insert(EQUIVALENT_HASHES_ANNOTATION.to_string(), list.join(","));
    }
}

/// The template hashes `template` lists as equivalent to its own
/// ([`EQUIVALENT_HASHES_ANNOTATION`]).
pub fn equivalent_hashes(template: &PodTemplateSpec) -> impl Iterator<Item = &str> {
    template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(EQUIVALENT_HASHES_ANNOTATION))
        .map(String::as_str)
        .unwrap_or_default()
        .split(',')
        .filter(|h| !h.is_empty())
}
