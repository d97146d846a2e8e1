
use builtin;
use str;

set edit:completion:arg-completer[pgctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pgctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pgctl'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a cluster from flags, from a file (-f), or with a wizard at a terminal'
            cand clone 'Create a cluster that starts as a copy of a running one (same namespace)'
            cand backup 'Take a base backup of a cluster now, into its WAL archive'
            cand restore 'Create a cluster restored from another''s WAL archive to a moment (point-in-time restore)'
            cand promote 'Promote a standby cluster: it stops following its source and takes writes'
            cand upgrade 'Upgrade a cluster to a new PostgreSQL major in place (pg_upgrade), after a preflight'
            cand apply 'Apply manifests with server-side apply (several documents, `-` for stdin)'
            cand list 'List clusters: name, team, version, instances, volume, status, age'
            cand get 'List clusters: name, team, version, instances, volume, status, age'
            cand status 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events'
            cand describe 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events'
            cand scale 'Change the number of instances'
            cand update 'Change a cluster''s spec with flags (a patch of the fields named)'
            cand edit 'Edit a cluster''s manifest in $EDITOR; it is validated before it is sent'
            cand delete 'Delete clusters, showing what goes and what stays first'
            cand rollout 'Follow or trigger rolling updates'
            cand switchover 'Hand the master role to a replica (Patroni switchover), now or at a time'
            cand failover 'Promote a member when the master is gone or must go now (Patroni failover)'
            cand restart 'Restart PostgreSQL in place through Patroni (pods stay), replicas first'
            cand reinit 'Rebuild a replica from the master: its data directory is wiped (Patroni reinitialize)'
            cand history 'Show the cluster''s timeline switches (switchovers, failovers), from Patroni'
            cand reload 'Make PostgreSQL reread its configuration on every instance (Patroni reload)'
            cand test 'Connect to every instance and Service of clusters: up, role as labelled, latency, lag'
            cand policy 'Store SQL policies and run them on the masters of selected clusters, once per version'
            cand label 'Set or remove labels of clusters (`key=value`, `key-`)'
            cand show 'Show details of a cluster''s parts (`show pvc`: its volume claims and their use)'
            cand logs 'Print the logs of a cluster''s pods (all of them, or one), or follow them'
            cand report 'Write a diagnostic bundle of a cluster (objects, Events, Patroni, logs; no credentials)'
            cand resync 'Ask the controller to reconcile clusters now, and wait until it did'
            cand pause 'Make the controller leave a cluster alone (condition Paused) until `resume`'
            cand resume 'Let the controller reconcile a paused cluster again'
            cand plan 'Show what the controller will create or change for a cluster (a diff against the live objects)'
            cand connect 'Print a connection URI for a cluster, or open psql on it'
            cand install 'Install the CRD, RBAC, ConfigMap and controller Deployment, and wait until it is ready'
            cand uninstall 'Remove the controller; the clusters and their data stay unless --delete-crd is given'
            cand validate 'Check postgresql manifests offline, without a cluster'
            cand crd 'Print the CustomResourceDefinition of the postgresql resource'
            cand version 'Print the client version and, when reachable, the controller''s and the API server''s'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand reference-markdown 'Print the command reference as Markdown (for docs/cli.md)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;create'= {
            cand -f 'Create from a manifest file instead of flags (`-` for standard input)'
            cand --filename 'Create from a manifest file instead of flags (`-` for standard input)'
            cand --team 'Team that owns the cluster (`spec.teamId`)'
            cand --instances 'Number of instances (pods) (`spec.numberOfInstances`)'
            cand --pg-version 'PostgreSQL major version (`spec.postgresql.version`)'
            cand --size 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)'
            cand --storage-class 'Storage class of the data volumes (`spec.volume.storageClass`)'
            cand --cpu 'CPU request of the postgres container, e.g. `500m`'
            cand --memory 'Memory request of the postgres container, e.g. `1Gi`'
            cand --cpu-limit 'CPU limit of the postgres container'
            cand --memory-limit 'Memory limit of the postgres container'
            cand --user 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role''s flags)'
            cand --database 'A database and its owner, e.g. `app:app`; repeat for several'
            cand --param 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several'
            cand --label 'A label of the postgresql resource, `key=value`; repeat for several'
            cand --annotation 'An annotation of the postgresql resource, `key=value`; repeat for several'
            cand --image 'Spilo image of the cluster (`spec.dockerImage`; default: the controller''s `docker_image`)'
            cand --load-balancer 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)'
            cand --pooler 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)'
            cand --replica-pooler 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)'
            cand --dry-run '`client` prints the manifest without contacting a cluster; `server` has the API server validate it without creating it'
            cand -o 'Output format of --dry-run (yaml or json) or of the created resource'
            cand --output 'Output format of --dry-run (yaml or json) or of the created resource'
            cand --standby-of 'Make the cluster a standby of SOURCE, a cluster of the same namespace: it streams from SOURCE''s master Service, and SOURCE''s `standby` and `postgres` Secrets are copied under the new cluster''s names (the version and team default to SOURCE''s)'
            cand --standby-host 'Make the cluster a standby of a primary elsewhere (`spec.standby.standby_host`); its replication and superuser credentials must be in the new cluster''s Secrets first'
            cand --standby-port 'Port of --standby-host (default 5432)'
            cand --timeout 'How long --wait waits before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --no-wizard 'Never start the wizard, even at a terminal without flags'
            cand --wait 'Wait until the change is done (the cluster Running, or gone for delete)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;clone'= {
            cand --team 'Team that owns the cluster (`spec.teamId`)'
            cand --instances 'Number of instances (pods) (`spec.numberOfInstances`)'
            cand --pg-version 'PostgreSQL major version (`spec.postgresql.version`)'
            cand --size 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)'
            cand --storage-class 'Storage class of the data volumes (`spec.volume.storageClass`)'
            cand --cpu 'CPU request of the postgres container, e.g. `500m`'
            cand --memory 'Memory request of the postgres container, e.g. `1Gi`'
            cand --cpu-limit 'CPU limit of the postgres container'
            cand --memory-limit 'Memory limit of the postgres container'
            cand --user 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role''s flags)'
            cand --database 'A database and its owner, e.g. `app:app`; repeat for several'
            cand --param 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several'
            cand --label 'A label of the postgresql resource, `key=value`; repeat for several'
            cand --annotation 'An annotation of the postgresql resource, `key=value`; repeat for several'
            cand --image 'Spilo image of the cluster (`spec.dockerImage`; default: the controller''s `docker_image`)'
            cand --load-balancer 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)'
            cand --pooler 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)'
            cand --replica-pooler 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)'
            cand --dry-run '`client` prints the clone''s manifest (the source is read, nothing is created); `server` has the API server validate it without creating it'
            cand -o 'Output format of --dry-run (yaml or json) or of the created resource'
            cand --output 'Output format of --dry-run (yaml or json) or of the created resource'
            cand --timeout 'How long --wait waits before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --wait 'Wait until the change is done (the cluster Running, or gone for delete)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;backup'= {
            cand --wait 'Wait for the base backup to end (`--wait=false`: start it and return; its output goes to the master''s log)'
            cand --timeout 'With --logical: how long to wait for the Job before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --logical 'A logical backup (`pg_dumpall` to the bucket) instead: a Job from the cluster''s logical backup CronJob, which `spec.enableLogicalBackup: true` makes'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the base backups, the archived WAL and the restorable time of the cluster''s archive'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;backup;list'= {
            cand --uid 'Only this incarnation''s archive (the `metadata.uid` the cluster had); default: the existing cluster''s, or every incarnation''s when it is gone'
            cand --endpoint 'The object store''s endpoint as this machine reaches it (the pods'' `AWS_ENDPOINT` may be an in-cluster address), e.g. `http://127.0.0.1:27070`; requests to it are path-style'
            cand --bucket 'The bucket, when `wal_s3_bucket` is empty (a cluster that archives through its own env)'
            cand -o 'Output format: table, or json / yaml (the whole catalog as data)'
            cand --output 'Output format: table, or json / yaml (the whole catalog as data)'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;backup;help'= {
            cand list 'List the base backups, the archived WAL and the restorable time of the cluster''s archive'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;backup;help;list'= {
        }
        &'pgctl;backup;help;help'= {
        }
        &'pgctl;restore'= {
            cand --from 'The cluster whose archive is restored (same namespace); it may have been deleted'
            cand --time 'The moment to restore to: RFC 3339 with an offset, e.g. 2026-12-04T10:15:00+00:00. The archive must hold a commit after it (a quiet cluster archives every 30 minutes)'
            cand --uid 'The uid (`metadata.uid`) of the incarnation of SOURCE whose archive is read; default: the existing SOURCE''s. Required when SOURCE no longer exists'
            cand --s3-wal-path 'Where SOURCE''s archive is, when not in the controller''s `wal_s3_bucket` (`spec.clone.s3_wal_path`, e.g. s3://bucket/spilo/acid-src/UID/wal/17)'
            cand --endpoint 'The object store''s endpoint as this machine reaches it (the pods'' `AWS_ENDPOINT` may be an in-cluster address), e.g. `http://127.0.0.1:27070`; requests to it are path-style'
            cand --bucket 'The bucket, when `wal_s3_bucket` is empty (a cluster that archives through its own env)'
            cand --team 'Team that owns the cluster (`spec.teamId`)'
            cand --instances 'Number of instances (pods) (`spec.numberOfInstances`)'
            cand --pg-version 'PostgreSQL major version (`spec.postgresql.version`)'
            cand --size 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)'
            cand --storage-class 'Storage class of the data volumes (`spec.volume.storageClass`)'
            cand --cpu 'CPU request of the postgres container, e.g. `500m`'
            cand --memory 'Memory request of the postgres container, e.g. `1Gi`'
            cand --cpu-limit 'CPU limit of the postgres container'
            cand --memory-limit 'Memory limit of the postgres container'
            cand --user 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role''s flags)'
            cand --database 'A database and its owner, e.g. `app:app`; repeat for several'
            cand --param 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several'
            cand --label 'A label of the postgresql resource, `key=value`; repeat for several'
            cand --annotation 'An annotation of the postgresql resource, `key=value`; repeat for several'
            cand --image 'Spilo image of the cluster (`spec.dockerImage`; default: the controller''s `docker_image`)'
            cand --load-balancer 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)'
            cand --pooler 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)'
            cand --replica-pooler 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)'
            cand --dry-run '`client` prints the new cluster''s manifest (nothing is created); `server` has the API server validate it without creating it'
            cand -o 'Output format of --dry-run (yaml or json) or of the created resource'
            cand --output 'Output format of --dry-run (yaml or json) or of the created resource'
            cand --timeout 'How long --wait waits before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --wait 'Wait until the change is done (the cluster Running, or gone for delete)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;promote'= {
            cand --timeout 'How long --wait waits before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --wait 'Wait until the change is done (the cluster Running, or gone for delete)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;upgrade'= {
            cand --to 'The major version to upgrade to (e.g. 17)'
            cand -o 'Output format of `--check`'
            cand --output 'Output format of `--check`'
            cand --timeout 'How long --wait waits before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --check 'Run the preflight checks only; nothing is changed or stopped. Exit 1 when one fails'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --wait 'Wait until the change is done (the cluster Running, or gone for delete)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;apply'= {
            cand -f 'Manifest file (`-` for standard input); repeat for several; each may hold several documents'
            cand --filename 'Manifest file (`-` for standard input); repeat for several; each may hold several documents'
            cand --dry-run '`client` prints the objects that would be applied; `server` has the API server check them'
            cand -o 'Output format: name (default) prints one line per object; json or yaml the applied objects'
            cand --output 'Output format: name (default) prints one line per object; json or yaml the applied objects'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --force-conflicts 'Take over fields another field manager owns'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;list'= {
            cand -l 'Label selector, e.g. `team=acid,env!=prod`'
            cand --selector 'Label selector, e.g. `team=acid,env!=prod`'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'List clusters of every namespace'
            cand --all-namespaces 'List clusters of every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;get'= {
            cand -l 'Label selector, e.g. `team=acid,env!=prod`'
            cand --selector 'Label selector, e.g. `team=acid,env!=prod`'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'List clusters of every namespace'
            cand --all-namespaces 'List clusters of every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;status'= {
            cand -l 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --selector 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --concurrency 'With -l: how many clusters at once'
            cand -o 'Output format: table (a screen for people), json or yaml (the same information as data)'
            cand --output 'Output format: table (a screen for people), json or yaml (the same information as data)'
            cand --events 'How many of the latest events to show'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'With -l: the matching clusters of every namespace'
            cand --all-namespaces 'With -l: the matching clusters of every namespace'
            cand -w 'Refresh every two seconds until interrupted'
            cand --watch 'Refresh every two seconds until interrupted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;describe'= {
            cand -l 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --selector 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --concurrency 'With -l: how many clusters at once'
            cand -o 'Output format: table (a screen for people), json or yaml (the same information as data)'
            cand --output 'Output format: table (a screen for people), json or yaml (the same information as data)'
            cand --events 'How many of the latest events to show'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'With -l: the matching clusters of every namespace'
            cand --all-namespaces 'With -l: the matching clusters of every namespace'
            cand -w 'Refresh every two seconds until interrupted'
            cand --watch 'Refresh every two seconds until interrupted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;scale'= {
            cand -l 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --selector 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --concurrency 'With -l: how many clusters at once'
            cand --instances 'The new number of instances'
            cand --timeout 'How long --wait waits before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'With -l: the matching clusters of every namespace'
            cand --all-namespaces 'With -l: the matching clusters of every namespace'
            cand -y 'Do not ask for confirmation (needed to scale to 0 when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (needed to scale to 0 when stdin is not a terminal)'
            cand --wait 'Wait until the change is done (the cluster Running, or gone for delete)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;update'= {
            cand -l 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --selector 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --concurrency 'With -l: how many clusters at once'
            cand --team 'Team that owns the cluster (`spec.teamId`)'
            cand --instances 'Number of instances (pods) (`spec.numberOfInstances`)'
            cand --pg-version 'PostgreSQL major version (`spec.postgresql.version`)'
            cand --size 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)'
            cand --storage-class 'Storage class of the data volumes (`spec.volume.storageClass`)'
            cand --cpu 'CPU request of the postgres container, e.g. `500m`'
            cand --memory 'Memory request of the postgres container, e.g. `1Gi`'
            cand --cpu-limit 'CPU limit of the postgres container'
            cand --memory-limit 'Memory limit of the postgres container'
            cand --user 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role''s flags)'
            cand --database 'A database and its owner, e.g. `app:app`; repeat for several'
            cand --param 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several'
            cand --label 'A label of the postgresql resource, `key=value`; repeat for several'
            cand --annotation 'An annotation of the postgresql resource, `key=value`; repeat for several'
            cand --image 'Spilo image of the cluster (`spec.dockerImage`; default: the controller''s `docker_image`)'
            cand --load-balancer 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)'
            cand --pooler 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)'
            cand --replica-pooler 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)'
            cand --add-user 'Add a role, `NAME[:FLAG,...]`; fails if it exists'
            cand --add-database 'Add a database, `NAME:OWNER`; fails if it exists'
            cand --remove-user 'Remove a role from spec.users (the role stays in PostgreSQL)'
            cand --remove-param 'Remove a PostgreSQL parameter'
            cand --dry-run '`client` prints the updated manifest; `server` has the API server check the patch'
            cand -o 'Output format of --dry-run (yaml or json)'
            cand --output 'Output format of --dry-run (yaml or json)'
            cand --timeout 'How long --wait waits before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'With -l: the matching clusters of every namespace'
            cand --all-namespaces 'With -l: the matching clusters of every namespace'
            cand -y 'Do not ask before changing the clusters a selector chose (required without a terminal)'
            cand --yes 'Do not ask before changing the clusters a selector chose (required without a terminal)'
            cand --wait 'Wait until the change is done (the cluster Running, or gone for delete)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;edit'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;delete'= {
            cand -l 'Every cluster of the namespace matching this label selector (listed first; at a terminal you type the selector to confirm)'
            cand --selector 'Every cluster of the namespace matching this label selector (listed first; at a terminal you type the selector to confirm)'
            cand --timeout 'How long --wait waits before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --confirm-protected 'Set the delete-protection annotations the operator configuration requires, then delete'
            cand --wait 'Wait until the change is done (the cluster Running, or gone for delete)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;rollout'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)'
            cand restart 'Ask the controller for a rolling restart of a cluster''s pods'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;rollout;status'= {
            cand -l 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --selector 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --concurrency 'With -l: how many clusters at once'
            cand --watch 'Follow until done; `--watch=false` prints the state once'
            cand --timeout 'Give up after this long, with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'With -l: the matching clusters of every namespace'
            cand --all-namespaces 'With -l: the matching clusters of every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;rollout;restart'= {
            cand -l 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --selector 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --concurrency 'With -l: how many clusters at once'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'With -l: the matching clusters of every namespace'
            cand --all-namespaces 'With -l: the matching clusters of every namespace'
            cand -y 'Do not ask before restarting the clusters a selector chose (required without a terminal)'
            cand --yes 'Do not ask before restarting the clusters a selector chose (required without a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;rollout;help'= {
            cand status 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)'
            cand restart 'Ask the controller for a rolling restart of a cluster''s pods'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;rollout;help;status'= {
        }
        &'pgctl;rollout;help;restart'= {
        }
        &'pgctl;rollout;help;help'= {
        }
        &'pgctl;switchover'= {
            cand --to 'The replica to hand over to (default: the best caught-up streaming replica)'
            cand --at 'Schedule the switchover at this time (RFC 3339, e.g. 2026-12-05T03:00:00Z) instead of now'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;failover'= {
            cand --to 'The member to promote (also when the master is gone)'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;restart'= {
            cand -l 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --selector 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --concurrency 'With -l: how many clusters at once'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'With -l: the matching clusters of every namespace'
            cand --all-namespaces 'With -l: the matching clusters of every namespace'
            cand -y 'Do not ask for confirmation before restarting the master (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation before restarting the master (required when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;reinit'= {
            cand --timeout 'How long to wait until the replica streams again (0: do not wait)'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;history'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;reload'= {
            cand -l 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --selector 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`'
            cand --concurrency 'With -l: how many clusters at once'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'With -l: the matching clusters of every namespace'
            cand --all-namespaces 'With -l: the matching clusters of every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;test'= {
            cand -l 'The clusters matching this label selector, e.g. `team=acid`'
            cand --selector 'The clusters matching this label selector, e.g. `team=acid`'
            cand -o 'Output format: table, or json for scripts'
            cand --output 'Output format: table, or json for scripts'
            cand --concurrency 'How many clusters are tested at once'
            cand --connect-timeout 'How long one connection may take'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'Clusters of every namespace'
            cand --all-namespaces 'Clusters of every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;policy'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction'
            cand list 'List the policies of the namespace, and on how many clusters each ran as it is now'
            cand show 'Print a policy''s SQL and where it ran (-o json|yaml for all of it as data)'
            cand delete 'Delete policies (the clusters'' records of them stay)'
            cand apply 'Run a policy on the masters of clusters, unless it ran there as it is now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;policy;create'= {
            cand -f 'File with the SQL; `-` reads stdin'
            cand --file 'File with the SQL; `-` reads stdin'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --no-transaction 'Run the statements one by one, outside a transaction (for CREATE DATABASE, VACUUM, CREATE INDEX CONCURRENTLY)'
            cand --overwrite 'Replace the policy if it exists'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;policy;list'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;policy;show'= {
            cand -o 'Output format: table prints the SQL after a short header'
            cand --output 'Output format: table prints the SQL after a short header'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;policy;delete'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;policy;apply'= {
            cand -l 'The clusters matching this label selector, e.g. `team=acid`'
            cand --selector 'The clusters matching this label selector, e.g. `team=acid`'
            cand --database 'The database the SQL runs in'
            cand --concurrency 'How many clusters run it at once'
            cand -o 'Output format: table, or json for scripts'
            cand --output 'Output format: table, or json for scripts'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -A 'Clusters of every namespace (with -l: those of every namespace it selects)'
            cand --all-namespaces 'Clusters of every namespace (with -l: those of every namespace it selects)'
            cand --force 'Run it even where it ran as it is now'
            cand -y 'Do not ask before running it on the clusters a selector chose (required without a terminal when -l or -A selects them)'
            cand --yes 'Do not ask before running it on the clusters a selector chose (required without a terminal when -l or -A selects them)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;policy;help'= {
            cand create 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction'
            cand list 'List the policies of the namespace, and on how many clusters each ran as it is now'
            cand show 'Print a policy''s SQL and where it ran (-o json|yaml for all of it as data)'
            cand delete 'Delete policies (the clusters'' records of them stay)'
            cand apply 'Run a policy on the masters of clusters, unless it ran there as it is now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;policy;help;create'= {
        }
        &'pgctl;policy;help;list'= {
        }
        &'pgctl;policy;help;show'= {
        }
        &'pgctl;policy;help;delete'= {
        }
        &'pgctl;policy;help;apply'= {
        }
        &'pgctl;policy;help;help'= {
        }
        &'pgctl;label'= {
            cand -l 'Every cluster of the namespace matching this label selector instead of names'
            cand --selector 'Every cluster of the namespace matching this label selector instead of names'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --overwrite 'Allow changing the value of a label the cluster already has'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;show'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand pvc 'A cluster''s volume claims: size, storage class, volume, space used'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;show;pvc'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;show;help'= {
            cand pvc 'A cluster''s volume claims: size, storage class, volume, space used'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;show;help;pvc'= {
        }
        &'pgctl;show;help;help'= {
        }
        &'pgctl;logs'= {
            cand -c 'The container (default: the pod''s only one, `postgres` in Spilo pods)'
            cand --container 'The container (default: the pod''s only one, `postgres` in Spilo pods)'
            cand --since 'Only lines newer than this (e.g. 10m, 1h)'
            cand --tail 'Only the last N lines of each pod'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -f 'Keep streaming new lines until interrupted'
            cand --follow 'Keep streaming new lines until interrupted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;report'= {
            cand -o 'Where to write the bundle (default: NAME-report-<UTC time>.tar.gz here)'
            cand --output 'Where to write the bundle (default: NAME-report-<UTC time>.tar.gz here)'
            cand --tail 'Lines of each container''s log to include'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;resync'= {
            cand -l 'Every cluster of the namespace matching this label selector, e.g. `team=acid`'
            cand --selector 'Every cluster of the namespace matching this label selector, e.g. `team=acid`'
            cand --timeout 'How long to wait for each acknowledgement before giving up with exit code 3'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --no-wait 'Do not wait for the controller to acknowledge'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;pause'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --patroni 'Patroni''s maintenance mode instead: Patroni stops managing PostgreSQL (no automatic failover, no restarts) while the controller keeps reconciling'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;resume'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --patroni 'Patroni''s maintenance mode instead: Patroni stops managing PostgreSQL (no automatic failover, no restarts) while the controller keeps reconciling'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;plan'= {
            cand -f 'A manifest to plan instead (`-` for standard input)'
            cand --filename 'A manifest to plan instead (`-` for standard input)'
            cand --operator-config 'Operator ConfigMap (YAML) to plan with, instead of the cluster''s'
            cand -o 'Output format: table (a readable plan), json or yaml (the plan with the desired objects)'
            cand --output 'Output format: table (a readable plan), json or yaml (the plan with the desired objects)'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --offline 'Plan without contacting a cluster (everything is a creation)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;connect'= {
            cand --user 'Role to connect as (default: the superuser of the operator configuration)'
            cand --database 'Database to connect to'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --replica 'Connect to the replicas'' Service instead of the master''s'
            cand --pooler 'Connect through the cluster''s connection pooler (`NAME-pooler`, with --replica `NAME-pooler-repl`)'
            cand --show-password 'Put the password from the role''s Secret into the URI'
            cand --psql 'Open psql on the cluster (through the pod IP, or a port-forward when it is unreachable)'
            cand --port-forward 'With --psql: always use a port-forward'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;install'= {
            cand --watch-namespace 'Namespaces whose clusters the controller manages (`*` for all, or `a,b`)'
            cand --replicas 'Replicas of the controller Deployment'
            cand --image 'Image of the controller'
            cand --dry-run '`client` prints the manifests (with -o yaml or json) without contacting a cluster'
            cand -o 'Output format of --dry-run'
            cand --output 'Output format of --dry-run'
            cand --timeout 'How long to wait for the controller'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --no-wait 'Do not wait for the controller to be ready'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;uninstall'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --delete-crd 'Also delete the CRD, which deletes every cluster and, by their retention policy, their data'
            cand -y 'Do not ask for confirmation (required with --delete-crd when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required with --delete-crd when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;validate'= {
            cand -f 'Manifest file to check, or `-` for standard input; repeat for several files'
            cand --filename 'Manifest file to check, or `-` for standard input; repeat for several files'
            cand --operator-config 'Operator ConfigMap (YAML) whose settings apply, e.g. min_instances; defaults otherwise'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --strict 'Treat warnings as errors (exit 1 when there is any)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;crd'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;version'= {
            cand -o 'Output format: table, json or yaml'
            cand --output 'Output format: table, json or yaml'
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand --client 'Print only the client version, without contacting a cluster'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;completions'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;reference-markdown'= {
            cand --kubeconfig 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: its current context)'
            cand -n 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --namespace 'Namespace (default: the namespace of the kubeconfig context, else `default`)'
            cand --request-timeout 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever'
            cand --color 'When to colour the output; `NO_COLOR` turns `auto` off'
            cand --controller-namespace 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;help'= {
            cand create 'Create a cluster from flags, from a file (-f), or with a wizard at a terminal'
            cand clone 'Create a cluster that starts as a copy of a running one (same namespace)'
            cand backup 'Take a base backup of a cluster now, into its WAL archive'
            cand restore 'Create a cluster restored from another''s WAL archive to a moment (point-in-time restore)'
            cand promote 'Promote a standby cluster: it stops following its source and takes writes'
            cand upgrade 'Upgrade a cluster to a new PostgreSQL major in place (pg_upgrade), after a preflight'
            cand apply 'Apply manifests with server-side apply (several documents, `-` for stdin)'
            cand list 'List clusters: name, team, version, instances, volume, status, age'
            cand status 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events'
            cand scale 'Change the number of instances'
            cand update 'Change a cluster''s spec with flags (a patch of the fields named)'
            cand edit 'Edit a cluster''s manifest in $EDITOR; it is validated before it is sent'
            cand delete 'Delete clusters, showing what goes and what stays first'
            cand rollout 'Follow or trigger rolling updates'
            cand switchover 'Hand the master role to a replica (Patroni switchover), now or at a time'
            cand failover 'Promote a member when the master is gone or must go now (Patroni failover)'
            cand restart 'Restart PostgreSQL in place through Patroni (pods stay), replicas first'
            cand reinit 'Rebuild a replica from the master: its data directory is wiped (Patroni reinitialize)'
            cand history 'Show the cluster''s timeline switches (switchovers, failovers), from Patroni'
            cand reload 'Make PostgreSQL reread its configuration on every instance (Patroni reload)'
            cand test 'Connect to every instance and Service of clusters: up, role as labelled, latency, lag'
            cand policy 'Store SQL policies and run them on the masters of selected clusters, once per version'
            cand label 'Set or remove labels of clusters (`key=value`, `key-`)'
            cand show 'Show details of a cluster''s parts (`show pvc`: its volume claims and their use)'
            cand logs 'Print the logs of a cluster''s pods (all of them, or one), or follow them'
            cand report 'Write a diagnostic bundle of a cluster (objects, Events, Patroni, logs; no credentials)'
            cand resync 'Ask the controller to reconcile clusters now, and wait until it did'
            cand pause 'Make the controller leave a cluster alone (condition Paused) until `resume`'
            cand resume 'Let the controller reconcile a paused cluster again'
            cand plan 'Show what the controller will create or change for a cluster (a diff against the live objects)'
            cand connect 'Print a connection URI for a cluster, or open psql on it'
            cand install 'Install the CRD, RBAC, ConfigMap and controller Deployment, and wait until it is ready'
            cand uninstall 'Remove the controller; the clusters and their data stay unless --delete-crd is given'
            cand validate 'Check postgresql manifests offline, without a cluster'
            cand crd 'Print the CustomResourceDefinition of the postgresql resource'
            cand version 'Print the client version and, when reachable, the controller''s and the API server''s'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand reference-markdown 'Print the command reference as Markdown (for docs/cli.md)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;help;create'= {
        }
        &'pgctl;help;clone'= {
        }
        &'pgctl;help;backup'= {
            cand list 'List the base backups, the archived WAL and the restorable time of the cluster''s archive'
        }
        &'pgctl;help;backup;list'= {
        }
        &'pgctl;help;restore'= {
        }
        &'pgctl;help;promote'= {
        }
        &'pgctl;help;upgrade'= {
        }
        &'pgctl;help;apply'= {
        }
        &'pgctl;help;list'= {
        }
        &'pgctl;help;status'= {
        }
        &'pgctl;help;scale'= {
        }
        &'pgctl;help;update'= {
        }
        &'pgctl;help;edit'= {
        }
        &'pgctl;help;delete'= {
        }
        &'pgctl;help;rollout'= {
            cand status 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)'
            cand restart 'Ask the controller for a rolling restart of a cluster''s pods'
        }
        &'pgctl;help;rollout;status'= {
        }
        &'pgctl;help;rollout;restart'= {
        }
        &'pgctl;help;switchover'= {
        }
        &'pgctl;help;failover'= {
        }
        &'pgctl;help;restart'= {
        }
        &'pgctl;help;reinit'= {
        }
        &'pgctl;help;history'= {
        }
        &'pgctl;help;reload'= {
        }
        &'pgctl;help;test'= {
        }
        &'pgctl;help;policy'= {
            cand create 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction'
            cand list 'List the policies of the namespace, and on how many clusters each ran as it is now'
            cand show 'Print a policy''s SQL and where it ran (-o json|yaml for all of it as data)'
            cand delete 'Delete policies (the clusters'' records of them stay)'
            cand apply 'Run a policy on the masters of clusters, unless it ran there as it is now'
        }
        &'pgctl;help;policy;create'= {
        }
        &'pgctl;help;policy;list'= {
        }
        &'pgctl;help;policy;show'= {
        }
        &'pgctl;help;policy;delete'= {
        }
        &'pgctl;help;policy;apply'= {
        }
        &'pgctl;help;label'= {
        }
        &'pgctl;help;show'= {
            cand pvc 'A cluster''s volume claims: size, storage class, volume, space used'
        }
        &'pgctl;help;show;pvc'= {
        }
        &'pgctl;help;logs'= {
        }
        &'pgctl;help;report'= {
        }
        &'pgctl;help;resync'= {
        }
        &'pgctl;help;pause'= {
        }
        &'pgctl;help;resume'= {
        }
        &'pgctl;help;plan'= {
        }
        &'pgctl;help;connect'= {
        }
        &'pgctl;help;install'= {
        }
        &'pgctl;help;uninstall'= {
        }
        &'pgctl;help;validate'= {
        }
        &'pgctl;help;crd'= {
        }
        &'pgctl;help;version'= {
        }
        &'pgctl;help;completions'= {
        }
        &'pgctl;help;reference-markdown'= {
        }
        &'pgctl;help;help'= {
        }
    ]
    $completions[$command]
}
