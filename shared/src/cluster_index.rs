//! Which cached objects belong to which cluster, so that a reconcile finds its cluster's pods,
//! claims and Secrets without scanning every cached object (with 500 clusters, a scan per
//! lookup made the controller's CPU time grow with the square of the cluster count).
//!
//! It mirrors a watch the way a reflector store does: objects are added and removed one by
//! one, and a re-list builds a new index that replaces the old one when the list is complete.
//! It holds names only; the objects stay in the store.

use std::collections::{BTreeSet, HashMap};

/// A cluster: its namespace and its name.
type ClusterKey = (String, String);
/// An object: its namespace and its name.
type ObjectKey = (String, String);

#[derive(Debug, Default, Clone)]
struct Entries {
    /// The names of each cluster's objects.
    by_cluster: HashMap<ClusterKey, BTreeSet<String>>,
    /// The cluster of each object, to move an object whose cluster label changed.
    cluster_of: HashMap<ObjectKey, String>,
}

impl Entries {
    fn insert(&mut self, namespace: &str, name: &str, cluster: Option<&str>) {
        self.remove(namespace, name);
        let Some(cluster) = cluster else { return };
        self.by_cluster
            .entry((namespace.to_string(), cluster.to_string()))
            .or_default()
            .insert(name.to_string());
        self.cluster_of.insert(
            (namespace.to_string(), name.to_string()),
            cluster.to_string(),
        );
    }

    fn remove(&mut self, namespace: &str, name: &str) {
        let Some(cluster) = self
            .cluster_of
            .remove(&(namespace.to_string(), name.to_string()))
        else {
            return;
        };
        let key = (namespace.to_string(), cluster);
        if let Some(names) = self.by_cluster.get_mut(&key) {
            names.remove(name);
            if names.is_empty() {
                self.by_cluster.remove(&key);
            }
        }
    }
}

/// The index of one watched kind.
#[derive(Debug, Default, Clone)]
pub struct ClusterIndex {
    current: Entries,
    /// The index being built by a re-list, until it is complete.
    relisting: Option<Entries>,
}

impl ClusterIndex {
    /// An object was added or changed; `cluster` is the value of its cluster-name label.
    pub fn applied(&mut self, namespace: &str, name: &str, cluster: Option<&str>) {
        self.current.insert(namespace, name, cluster);
    }

    /// An object was deleted.
    pub fn deleted(&mut self, namespace: &str, name: &str) {
        self.current.remove(namespace, name);
    }

    /// A re-list starts: until [`Self::relist_done`], the old index still answers.
    pub fn relist_started(&mut self) {
        self.relisting = Some(Entries::default());
    }

    /// An object of the re-list.
    pub fn relisted(&mut self, namespace: &str, name: &str, cluster: Option<&str>) {
        self.relisting
            .get_or_insert_with(Entries::default)
            .insert(namespace, name, cluster);
    }

    /// The re-list is complete: objects it did not return are gone.
    pub fn relist_done(&mut self) {
        if let Some(entries) = self.relisting.take() {
            self.current = entries;
        }
    }

    /// The names of the cluster's objects, sorted.
    pub fn names(&self, namespace: &str, cluster: &str) -> Vec<String> {
        self.current
            .by_cluster
            .get(&(namespace.to_string(), cluster.to_string()))
            .map(|names| names.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_found_by_their_cluster_and_namespace() {
        let mut index = ClusterIndex::default();
        index.applied("ns", "acid-a-1", Some("acid-a"));
        index.applied("ns", "acid-a-0", Some("acid-a"));
        index.applied("ns", "acid-b-0", Some("acid-b"));
        index.applied("other", "acid-a-0", Some("acid-a"));
        index.applied("ns", "unlabelled", None);
        assert_eq!(index.names("ns", "acid-a"), ["acid-a-0", "acid-a-1"]);
        assert_eq!(index.names("ns", "acid-b"), ["acid-b-0"]);
        assert_eq!(index.names("other", "acid-a"), ["acid-a-0"]);
        assert!(index.names("ns", "unlabelled").is_empty());
    }

    #[test]
    fn a_deleted_object_is_forgotten() {
        let mut index = ClusterIndex::default();
        index.applied("ns", "acid-a-0", Some("acid-a"));
        index.applied("ns", "acid-a-1", Some("acid-a"));
        index.deleted("ns", "acid-a-1");
        assert_eq!(index.names("ns", "acid-a"), ["acid-a-0"]);
        index.deleted("ns", "acid-a-0");
        index.deleted("ns", "never-seen");
        assert!(index.names("ns", "acid-a").is_empty());
    }

    #[test]
    fn a_relabelled_object_moves_to_its_new_cluster() {
        let mut index = ClusterIndex::default();
        index.applied("ns", "x", Some("acid-a"));
        index.applied("ns", "x", Some("acid-b"));
        assert!(index.names("ns", "acid-a").is_empty());
        assert_eq!(index.names("ns", "acid-b"), ["x"]);
        index.applied("ns", "x", None);
        assert!(index.names("ns", "acid-b").is_empty());
    }

    #[test]
    fn a_relist_replaces_the_index_when_it_is_complete() {
        let mut index = ClusterIndex::default();
        index.applied("ns", "gone", Some("acid-a"));
        index.applied("ns", "kept", Some("acid-a"));
        index.relist_started();
        index.relisted("ns", "kept", Some("acid-a"));
        // Until the re-list completes, the old index answers.
        assert_eq!(index.names("ns", "acid-a"), ["gone", "kept"]);
        index.relisted("ns", "new", Some("acid-a"));
        index.relist_done();
        assert_eq!(index.names("ns", "acid-a"), ["kept", "new"]);
    }
}
