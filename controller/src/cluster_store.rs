//! A watch cache that also answers "the objects of this cluster" without a scan: a reflector
//! store plus a [`ClusterIndex`] kept by the same watch.

use std::sync::{Arc, RwLock};

use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Resource, ResourceExt};
use pgctl_shared::cluster_index::ClusterIndex;
use pgctl_shared::config::OperatorConfig;

#[derive(Clone)]
pub struct ClusterStore<K: Resource<DynamicType = ()> + Clone + 'static> {
    store: Store<K>,
    index: Arc<RwLock<ClusterIndex>>,
    /// The label whose value names an object's cluster (`cluster_name_label` at start-up, as
    /// for the watch's selector).
    label: Arc<str>,
}

impl<K: Resource<DynamicType = ()> + Clone + 'static> ClusterStore<K> {
    pub fn new(store: Store<K>, label: &str) -> Self {
        ClusterStore {
            store,
            index: Arc::default(),
            label: label.into(),
        }
    }

    pub fn get(&self, key: &ObjectRef<K>) -> Option<Arc<K>> {
        self.store.get(key)
    }

    /// Every cached object.
    pub fn state(&self) -> Vec<Arc<K>> {
        self.store.state()
    }

    /// The cached objects of the cluster `namespace/name`, that carry all its labels
    /// ([`pgctl_shared::naming::cluster_labels`]), sorted by name.
    pub fn of_cluster(&self, config: &OperatorConfig, namespace: &str, name: &str) -> Vec<Arc<K>> {
        let names = match self.index.read() {
            Ok(index) => index.names(namespace, name),
            Err(poisoned) => poisoned.into_inner().names(namespace, name),
        };
        let selector = pgctl_shared::naming::cluster_labels(config, name);
        names
            .iter()
            .filter_map(|object| self.store.get(&ObjectRef::new(object).within(namespace)))
            .filter(|o| selector.iter().all(|(k, v)| o.labels().get(k) == Some(v)))
            .collect()
    }

    /// The cached objects of the cluster `namespace/name` that carry all of `labels` (the
    /// pooler's objects carry the cluster's labels with another `application`), sorted by name.
    pub fn of_cluster_labelled(
        &self,
        namespace: &str,
        name: &str,
        labels: &std::collections::BTreeMap<String, String>,
    ) -> Vec<Arc<K>> {
        let names = match self.index.read() {
            Ok(index) => index.names(namespace, name),
            Err(poisoned) => poisoned.into_inner().names(namespace, name),
        };
        names
            .iter()
            .filter_map(|object| self.store.get(&ObjectRef::new(object).within(namespace)))
            .filter(|o| labels.iter().all(|(k, v)| o.labels().get(k) == Some(v)))
            .collect()
    }

    /// Keeps the index in step with the store; called with every event of the watch, after
    /// the store has seen it.
    pub fn observe(&self, event: &watcher::Event<K>) {
        let mut index = match self.index.write() {
            Ok(index) => index,
            Err(poisoned) => poisoned.into_inner(),
        };
        let of = |object| keys(object, &self.label);
        match event {
            watcher::Event::Apply(object) => {
                let (namespace, name, cluster) = of(object);
                index.applied(namespace, name, cluster);
            }
            watcher::Event::Delete(object) => {
                let (namespace, name, _) = of(object);
                index.deleted(namespace, name);
            }
            watcher::Event::Init => index.relist_started(),
            watcher::Event::InitApply(object) => {
                let (namespace, name, cluster) = of(object);
                index.relisted(namespace, name, cluster);
            }
            watcher::Event::InitDone => index.relist_done(),
        }
    }
}

/// An object's namespace, name and cluster (the value of `label`).
fn keys<'a, K: Resource>(object: &'a K, label: &str) -> (&'a str, &'a str, Option<&'a str>) {
    let meta = object.meta();
    (
        meta.namespace.as_deref().unwrap_or_default(),
        meta.name.as_deref().unwrap_or_default(),
        meta.labels
            .as_ref()
            .and_then(|labels| labels.get(label))
            .map(String::as_str),
    )
}
