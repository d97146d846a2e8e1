//! Requests and limits of the containers, as the reference operator computes them:
//!
//! 1. CPU and memory from the manifest, else the configuration defaults (`default_cpu_request`,
//!    …); an empty value, `0` or `null` counts as absent. Hugepages come from the manifest only.
//! 2. `postgres` container: limits below `min_cpu_limit` / `min_memory_limit` (or absent) are
//!    raised to them.
//! 3. Limits below the requests are raised to the requests.
//! 4. With `set_memory_request_to_limit`, a memory request below the limit is raised to it.
//! 5. `postgres` container: requests above `max_cpu_request` / `max_memory_request` are lowered.
//!
//! Quantities keep the spelling they were given in.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::crd::{ResourceDescription, Resources};
use crate::quantity;

use super::ClusterContext;

const CPU: &str = "cpu";
const MEMORY: &str = "memory";
const HUGEPAGES_2MI: &str = "hugepages-2Mi";
const HUGEPAGES_1GI: &str = "hugepages-1Gi";

/// Requirements of the `postgres` container (`spec.resources`), with the minimum limits and
/// maximum requests of the configuration enforced.
pub fn postgres(
    ctx: &ClusterContext<'_>,
    object: &str,
) -> Result<ResourceRequirements, super::BuildError> {
    // The thresholds hold unless the cluster carries the lifting annotation set to `true`.
    let thresholds =
        !ctx.annotation_is_true(ctx.config.ignore_resources_limits_annotation_key.as_deref());
    requirements(
        ctx,
        object,
        ctx.pg.spec.resources.as_ref(),
        "spec.resources",
        thresholds,
    )
}

/// Requirements of a sidecar (`field` is its `resources` path, e.g.
/// `spec.sidecars[0].resources`); only the defaults apply, not the thresholds.
pub fn sidecar(
    ctx: &ClusterContext<'_>,
    object: &str,
    resources: Option<&Resources>,
    field: &str,
) -> Result<ResourceRequirements, super::BuildError> {
    requirements(ctx, object, resources, field, false)
}

/// A quantity with its numeric value (millicores or bytes) for comparisons.
#[derive(Debug, Clone)]
struct Amount {
    text: String,
    value: u64,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Cpu,
    Memory,
}

impl Kind {
    fn parse(self, text: &str) -> Option<u64> {
        match self {
            Kind::Cpu => quantity::parse_millicores(text),
            Kind::Memory => quantity::parse_bytes(text),
        }
    }
}

fn requirements(
    ctx: &ClusterContext<'_>,
    object: &str,
    resources: Option<&Resources>,
    field: &str,
    thresholds: bool,
) -> Result<ResourceRequirements, super::BuildError> {
    let config = ctx.config;
    let amount = |kind: Kind, text: &str, field: String| -> Result<Amount, super::BuildError> {
        kind.parse(text)
            .map(|value| Amount {
                text: text.to_string(),
                value,
            })
            .ok_or_else(|| {
                ctx.invalid(
                    object,
                    field,
                    format!("{text:?} is not a valid {} quantity", kind_name(kind)),
                )
            })
    };
    // Manifest value, else configuration default; "", "0" and "null" count as absent.
    let pick = |kind: Kind,
                spec: Option<&String>,
                spec_field: String,
                default: Option<&String>,
                default_key: &str|
     -> Result<Option<Amount>, super::BuildError> {
        if let Some(text) = spec.filter(|t| is_set(t)) {
            return amount(kind, text, spec_field).map(Some);
        }
        match default.filter(|t| is_set(t)) {
            Some(text) => amount(kind, text, default_key.to_string()).map(Some),
            None => Ok(None),
        }
    };

    let requests = resources.and_then(|r| r.requests.as_ref());
    let limits = resources.and_then(|r| r.limits.as_ref());
    let mut cpu_request = pick(
        Kind::Cpu,
        requests.and_then(|d| d.cpu.as_ref()),
        format!("{field}.requests.cpu"),
        config.default_cpu_request.as_ref(),
        "default_cpu_request",
    )?;
    let mut memory_request = pick(
        Kind::Memory,
        requests.and_then(|d| d.memory.as_ref()),
        format!("{field}.requests.memory"),
        config.default_memory_request.as_ref(),
        "default_memory_request",
    )?;
    let mut cpu_limit = pick(
        Kind::Cpu,
        limits.and_then(|d| d.cpu.as_ref()),
        format!("{field}.limits.cpu"),
        config.default_cpu_limit.as_ref(),
        "default_cpu_limit",
    )?;
    let mut memory_limit = pick(
        Kind::Memory,
        limits.and_then(|d| d.memory.as_ref()),
        format!("{field}.limits.memory"),
        config.default_memory_limit.as_ref(),
        "default_memory_limit",
    )?;

    if thresholds {
        if let Some(min) = config.min_cpu_limit.as_ref().filter(|t| is_set(t)) {
            let min = amount(Kind::Cpu, min, "min_cpu_limit".to_string())?;
            raise_to(&mut cpu_limit, &min);
        }
        if let Some(min) = config.min_memory_limit.as_ref().filter(|t| is_set(t)) {
            let min = amount(Kind::Memory, min, "min_memory_limit".to_string())?;
            raise_to(&mut memory_limit, &min);
        }
    }

    // Limits never below requests.
    if let (Some(request), Some(limit)) = (&cpu_request, &mut cpu_limit)
        && limit.value < request.value
    {
        *limit = request.clone();
    }
    if let (Some(request), Some(limit)) = (&memory_request, &mut memory_limit)
        && limit.value < request.value
    {
        *limit = request.clone();
    }

    if config.set_memory_request_to_limit
        && let Some(limit) = &memory_limit
    {
        raise_to(&mut memory_request, limit);
    }

    if thresholds {
        if let Some(max) = config.max_cpu_request.as_ref().filter(|t| is_set(t)) {
            let max = amount(Kind::Cpu, max, "max_cpu_request".to_string())?;
            lower_to(&mut cpu_request, &max);
        }
        if let Some(max) = config.max_memory_request.as_ref().filter(|t| is_set(t)) {
            let max = amount(Kind::Memory, max, "max_memory_request".to_string())?;
            lower_to(&mut memory_request, &max);
        }
    }

    let hugepages = |desc: Option<&ResourceDescription>,
                     side: &str,
                     list: &mut BTreeMap<String, Quantity>|
     -> Result<(), super::BuildError> {
        let Some(desc) = desc else { return Ok(()) };
        for (key, value) in [
            (HUGEPAGES_2MI, &desc.hugepages_2mi),
            (HUGEPAGES_1GI, &desc.hugepages_1gi),
        ] {
            if let Some(text) = value.as_ref().filter(|t| is_set(t)) {
                let a = amount(Kind::Memory, text, format!("{field}.{side}.{key}"))?;
                list.insert(key.to_string(), Quantity(a.text));
            }
        }
        Ok(())
    };

    let mut request_list = list(cpu_request, memory_request);
    hugepages(requests, "requests", &mut request_list)?;
    let mut limit_list = list(cpu_limit, memory_limit);
    hugepages(limits, "limits", &mut limit_list)?;

    Ok(ResourceRequirements {
        requests: (!request_list.is_empty()).then_some(request_list),
        limits: (!limit_list.is_empty()).then_some(limit_list),
        ..ResourceRequirements::default()
    })
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Cpu => "CPU",
        Kind::Memory => "memory",
    }
}

fn is_set(text: &str) -> bool {
    let text = text.trim();
    !(text.is_empty() || text == "0" || text == "null")
}

/// Absent or below `min` becomes `min`.
fn raise_to(value: &mut Option<Amount>, min: &Amount) {
    if value.as_ref().is_none_or(|v| v.value < min.value) {
        *value = Some(min.clone());
    }
}

/// Above `max` becomes `max`; absent stays absent.
fn lower_to(value: &mut Option<Amount>, max: &Amount) {
    if let Some(v) = value
        && v.value > max.value
    {
        *v = max.clone();
    }
}

fn list(cpu: Option<Amount>, memory: Option<Amount>) -> BTreeMap<String, Quantity> {
    let mut out = BTreeMap::new();
    if let Some(cpu) = cpu {
        out.insert(CPU.to_string(), Quantity(cpu.text));
    }
    if let Some(memory) = memory {
        out.insert(MEMORY.to_string(), Quantity(memory.text));
    }
    out
}
