
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pgctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pgctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pgctl' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a cluster from flags, from a file (-f), or with a wizard at a terminal')
            [CompletionResult]::new('clone', 'clone', [CompletionResultType]::ParameterValue, 'Create a cluster that starts as a copy of a running one (same namespace)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a base backup of a cluster now, into its WAL archive')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Create a cluster restored from another''s WAL archive to a moment (point-in-time restore)')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Promote a standby cluster: it stops following its source and takes writes')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Upgrade a cluster to a new PostgreSQL major in place (pg_upgrade), after a preflight')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply manifests with server-side apply (several documents, `-` for stdin)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List clusters: name, team, version, instances, volume, status, age')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List clusters: name, team, version, instances, volume, status, age')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'Change the number of instances')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a cluster''s spec with flags (a patch of the fields named)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a cluster''s manifest in $EDITOR; it is validated before it is sent')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete clusters, showing what goes and what stays first')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Follow or trigger rolling updates')
            [CompletionResult]::new('switchover', 'switchover', [CompletionResultType]::ParameterValue, 'Hand the master role to a replica (Patroni switchover), now or at a time')
            [CompletionResult]::new('failover', 'failover', [CompletionResultType]::ParameterValue, 'Promote a member when the master is gone or must go now (Patroni failover)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart PostgreSQL in place through Patroni (pods stay), replicas first')
            [CompletionResult]::new('reinit', 'reinit', [CompletionResultType]::ParameterValue, 'Rebuild a replica from the master: its data directory is wiped (Patroni reinitialize)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show the cluster''s timeline switches (switchovers, failovers), from Patroni')
            [CompletionResult]::new('reload', 'reload', [CompletionResultType]::ParameterValue, 'Make PostgreSQL reread its configuration on every instance (Patroni reload)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Connect to every instance and Service of clusters: up, role as labelled, latency, lag')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Store SQL policies and run them on the masters of selected clusters, once per version')
            [CompletionResult]::new('label', 'label', [CompletionResultType]::ParameterValue, 'Set or remove labels of clusters (`key=value`, `key-`)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show details of a cluster''s parts (`show pvc`: its volume claims and their use)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the logs of a cluster''s pods (all of them, or one), or follow them')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Write a diagnostic bundle of a cluster (objects, Events, Patroni, logs; no credentials)')
            [CompletionResult]::new('resync', 'resync', [CompletionResultType]::ParameterValue, 'Ask the controller to reconcile clusters now, and wait until it did')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Make the controller leave a cluster alone (condition Paused) until `resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let the controller reconcile a paused cluster again')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what the controller will create or change for a cluster (a diff against the live objects)')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Print a connection URI for a cluster, or open psql on it')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the CRD, RBAC, ConfigMap and controller Deployment, and wait until it is ready')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove the controller; the clusters and their data stay unless --delete-crd is given')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check postgresql manifests offline, without a cluster')
            [CompletionResult]::new('crd', 'crd', [CompletionResultType]::ParameterValue, 'Print the CustomResourceDefinition of the postgresql resource')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client version and, when reachable, the controller''s and the API server''s')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('reference-markdown', 'reference-markdown', [CompletionResultType]::ParameterValue, 'Print the command reference as Markdown (for docs/cli.md)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;create' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Create from a manifest file instead of flags (`-` for standard input)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Create from a manifest file instead of flags (`-` for standard input)')
            [CompletionResult]::new('--team', '--team', [CompletionResultType]::ParameterName, 'Team that owns the cluster (`spec.teamId`)')
            [CompletionResult]::new('--instances', '--instances', [CompletionResultType]::ParameterName, 'Number of instances (pods) (`spec.numberOfInstances`)')
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'PostgreSQL major version (`spec.postgresql.version`)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'Storage class of the data volumes (`spec.volume.storageClass`)')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU request of the postgres container, e.g. `500m`')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory request of the postgres container, e.g. `1Gi`')
            [CompletionResult]::new('--cpu-limit', '--cpu-limit', [CompletionResultType]::ParameterName, 'CPU limit of the postgres container')
            [CompletionResult]::new('--memory-limit', '--memory-limit', [CompletionResultType]::ParameterName, 'Memory limit of the postgres container')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role''s flags)')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database and its owner, e.g. `app:app`; repeat for several')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'A label of the postgresql resource, `key=value`; repeat for several')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'An annotation of the postgresql resource, `key=value`; repeat for several')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Spilo image of the cluster (`spec.dockerImage`; default: the controller''s `docker_image`)')
            [CompletionResult]::new('--load-balancer', '--load-balancer', [CompletionResultType]::ParameterName, 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)')
            [CompletionResult]::new('--pooler', '--pooler', [CompletionResultType]::ParameterName, 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)')
            [CompletionResult]::new('--replica-pooler', '--replica-pooler', [CompletionResultType]::ParameterName, 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`client` prints the manifest without contacting a cluster; `server` has the API server validate it without creating it')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of --dry-run (yaml or json) or of the created resource')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of --dry-run (yaml or json) or of the created resource')
            [CompletionResult]::new('--standby-of', '--standby-of', [CompletionResultType]::ParameterName, 'Make the cluster a standby of SOURCE, a cluster of the same namespace: it streams from SOURCE''s master Service, and SOURCE''s `standby` and `postgres` Secrets are copied under the new cluster''s names (the version and team default to SOURCE''s)')
            [CompletionResult]::new('--standby-host', '--standby-host', [CompletionResultType]::ParameterName, 'Make the cluster a standby of a primary elsewhere (`spec.standby.standby_host`); its replication and superuser credentials must be in the new cluster''s Secrets first')
            [CompletionResult]::new('--standby-port', '--standby-port', [CompletionResultType]::ParameterName, 'Port of --standby-host (default 5432)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--no-wizard', '--no-wizard', [CompletionResultType]::ParameterName, 'Never start the wizard, even at a terminal without flags')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is done (the cluster Running, or gone for delete)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;clone' {
            [CompletionResult]::new('--team', '--team', [CompletionResultType]::ParameterName, 'Team that owns the cluster (`spec.teamId`)')
            [CompletionResult]::new('--instances', '--instances', [CompletionResultType]::ParameterName, 'Number of instances (pods) (`spec.numberOfInstances`)')
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'PostgreSQL major version (`spec.postgresql.version`)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'Storage class of the data volumes (`spec.volume.storageClass`)')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU request of the postgres container, e.g. `500m`')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory request of the postgres container, e.g. `1Gi`')
            [CompletionResult]::new('--cpu-limit', '--cpu-limit', [CompletionResultType]::ParameterName, 'CPU limit of the postgres container')
            [CompletionResult]::new('--memory-limit', '--memory-limit', [CompletionResultType]::ParameterName, 'Memory limit of the postgres container')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role''s flags)')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database and its owner, e.g. `app:app`; repeat for several')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'A label of the postgresql resource, `key=value`; repeat for several')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'An annotation of the postgresql resource, `key=value`; repeat for several')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Spilo image of the cluster (`spec.dockerImage`; default: the controller''s `docker_image`)')
            [CompletionResult]::new('--load-balancer', '--load-balancer', [CompletionResultType]::ParameterName, 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)')
            [CompletionResult]::new('--pooler', '--pooler', [CompletionResultType]::ParameterName, 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)')
            [CompletionResult]::new('--replica-pooler', '--replica-pooler', [CompletionResultType]::ParameterName, 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`client` prints the clone''s manifest (the source is read, nothing is created); `server` has the API server validate it without creating it')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of --dry-run (yaml or json) or of the created resource')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of --dry-run (yaml or json) or of the created resource')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is done (the cluster Running, or gone for delete)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;backup' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for the base backup to end (`--wait=false`: start it and return; its output goes to the master''s log)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --logical: how long to wait for the Job before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--logical', '--logical', [CompletionResultType]::ParameterName, 'A logical backup (`pg_dumpall` to the bucket) instead: a Job from the cluster''s logical backup CronJob, which `spec.enableLogicalBackup: true` makes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the base backups, the archived WAL and the restorable time of the cluster''s archive')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;backup;list' {
            [CompletionResult]::new('--uid', '--uid', [CompletionResultType]::ParameterName, 'Only this incarnation''s archive (the `metadata.uid` the cluster had); default: the existing cluster''s, or every incarnation''s when it is gone')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'The object store''s endpoint as this machine reaches it (the pods'' `AWS_ENDPOINT` may be an in-cluster address), e.g. `http://127.0.0.1:27070`; requests to it are path-style')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'The bucket, when `wal_s3_bucket` is empty (a cluster that archives through its own env)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, or json / yaml (the whole catalog as data)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, or json / yaml (the whole catalog as data)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;backup;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the base backups, the archived WAL and the restorable time of the cluster''s archive')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;backup;help;list' {
            break
        }
        'pgctl;backup;help;help' {
            break
        }
        'pgctl;restore' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The cluster whose archive is restored (same namespace); it may have been deleted')
            [CompletionResult]::new('--time', '--time', [CompletionResultType]::ParameterName, 'The moment to restore to: RFC 3339 with an offset, e.g. 2026-12-04T10:15:00+00:00. The archive must hold a commit after it (a quiet cluster archives every 30 minutes)')
            [CompletionResult]::new('--uid', '--uid', [CompletionResultType]::ParameterName, 'The uid (`metadata.uid`) of the incarnation of SOURCE whose archive is read; default: the existing SOURCE''s. Required when SOURCE no longer exists')
            [CompletionResult]::new('--s3-wal-path', '--s3-wal-path', [CompletionResultType]::ParameterName, 'Where SOURCE''s archive is, when not in the controller''s `wal_s3_bucket` (`spec.clone.s3_wal_path`, e.g. s3://bucket/spilo/acid-src/UID/wal/17)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'The object store''s endpoint as this machine reaches it (the pods'' `AWS_ENDPOINT` may be an in-cluster address), e.g. `http://127.0.0.1:27070`; requests to it are path-style')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'The bucket, when `wal_s3_bucket` is empty (a cluster that archives through its own env)')
            [CompletionResult]::new('--team', '--team', [CompletionResultType]::ParameterName, 'Team that owns the cluster (`spec.teamId`)')
            [CompletionResult]::new('--instances', '--instances', [CompletionResultType]::ParameterName, 'Number of instances (pods) (`spec.numberOfInstances`)')
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'PostgreSQL major version (`spec.postgresql.version`)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'Storage class of the data volumes (`spec.volume.storageClass`)')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU request of the postgres container, e.g. `500m`')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory request of the postgres container, e.g. `1Gi`')
            [CompletionResult]::new('--cpu-limit', '--cpu-limit', [CompletionResultType]::ParameterName, 'CPU limit of the postgres container')
            [CompletionResult]::new('--memory-limit', '--memory-limit', [CompletionResultType]::ParameterName, 'Memory limit of the postgres container')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role''s flags)')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database and its owner, e.g. `app:app`; repeat for several')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'A label of the postgresql resource, `key=value`; repeat for several')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'An annotation of the postgresql resource, `key=value`; repeat for several')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Spilo image of the cluster (`spec.dockerImage`; default: the controller''s `docker_image`)')
            [CompletionResult]::new('--load-balancer', '--load-balancer', [CompletionResultType]::ParameterName, 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)')
            [CompletionResult]::new('--pooler', '--pooler', [CompletionResultType]::ParameterName, 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)')
            [CompletionResult]::new('--replica-pooler', '--replica-pooler', [CompletionResultType]::ParameterName, 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`client` prints the new cluster''s manifest (nothing is created); `server` has the API server validate it without creating it')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of --dry-run (yaml or json) or of the created resource')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of --dry-run (yaml or json) or of the created resource')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is done (the cluster Running, or gone for delete)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;promote' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is done (the cluster Running, or gone for delete)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;upgrade' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The major version to upgrade to (e.g. 17)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of `--check`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of `--check`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Run the preflight checks only; nothing is changed or stopped. Exit 1 when one fails')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is done (the cluster Running, or gone for delete)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file (`-` for standard input); repeat for several; each may hold several documents')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file (`-` for standard input); repeat for several; each may hold several documents')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`client` prints the objects that would be applied; `server` has the API server check them')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: name (default) prints one line per object; json or yaml the applied objects')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: name (default) prints one line per object; json or yaml the applied objects')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take over fields another field manager owns')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;list' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. `team=acid,env!=prod`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. `team=acid,env!=prod`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List clusters of every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;get' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. `team=acid,env!=prod`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. `team=acid,env!=prod`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List clusters of every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;status' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With -l: how many clusters at once')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table (a screen for people), json or yaml (the same information as data)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table (a screen for people), json or yaml (the same information as data)')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'How many of the latest events to show')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Refresh every two seconds until interrupted')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Refresh every two seconds until interrupted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;describe' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With -l: how many clusters at once')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table (a screen for people), json or yaml (the same information as data)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table (a screen for people), json or yaml (the same information as data)')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'How many of the latest events to show')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Refresh every two seconds until interrupted')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Refresh every two seconds until interrupted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;scale' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With -l: how many clusters at once')
            [CompletionResult]::new('--instances', '--instances', [CompletionResultType]::ParameterName, 'The new number of instances')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed to scale to 0 when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed to scale to 0 when stdin is not a terminal)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is done (the cluster Running, or gone for delete)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;update' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With -l: how many clusters at once')
            [CompletionResult]::new('--team', '--team', [CompletionResultType]::ParameterName, 'Team that owns the cluster (`spec.teamId`)')
            [CompletionResult]::new('--instances', '--instances', [CompletionResultType]::ParameterName, 'Number of instances (pods) (`spec.numberOfInstances`)')
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'PostgreSQL major version (`spec.postgresql.version`)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'Storage class of the data volumes (`spec.volume.storageClass`)')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU request of the postgres container, e.g. `500m`')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory request of the postgres container, e.g. `1Gi`')
            [CompletionResult]::new('--cpu-limit', '--cpu-limit', [CompletionResultType]::ParameterName, 'CPU limit of the postgres container')
            [CompletionResult]::new('--memory-limit', '--memory-limit', [CompletionResultType]::ParameterName, 'Memory limit of the postgres container')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role''s flags)')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database and its owner, e.g. `app:app`; repeat for several')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'A label of the postgresql resource, `key=value`; repeat for several')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'An annotation of the postgresql resource, `key=value`; repeat for several')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Spilo image of the cluster (`spec.dockerImage`; default: the controller''s `docker_image`)')
            [CompletionResult]::new('--load-balancer', '--load-balancer', [CompletionResultType]::ParameterName, 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)')
            [CompletionResult]::new('--pooler', '--pooler', [CompletionResultType]::ParameterName, 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)')
            [CompletionResult]::new('--replica-pooler', '--replica-pooler', [CompletionResultType]::ParameterName, 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)')
            [CompletionResult]::new('--add-user', '--add-user', [CompletionResultType]::ParameterName, 'Add a role, `NAME[:FLAG,...]`; fails if it exists')
            [CompletionResult]::new('--add-database', '--add-database', [CompletionResultType]::ParameterName, 'Add a database, `NAME:OWNER`; fails if it exists')
            [CompletionResult]::new('--remove-user', '--remove-user', [CompletionResultType]::ParameterName, 'Remove a role from spec.users (the role stays in PostgreSQL)')
            [CompletionResult]::new('--remove-param', '--remove-param', [CompletionResultType]::ParameterName, 'Remove a PostgreSQL parameter')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`client` prints the updated manifest; `server` has the API server check the patch')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of --dry-run (yaml or json)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of --dry-run (yaml or json)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before changing the clusters a selector chose (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before changing the clusters a selector chose (required without a terminal)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is done (the cluster Running, or gone for delete)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;edit' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;delete' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Every cluster of the namespace matching this label selector (listed first; at a terminal you type the selector to confirm)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Every cluster of the namespace matching this label selector (listed first; at a terminal you type the selector to confirm)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--confirm-protected', '--confirm-protected', [CompletionResultType]::ParameterName, 'Set the delete-protection annotations the operator configuration requires, then delete')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is done (the cluster Running, or gone for delete)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;rollout' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Ask the controller for a rolling restart of a cluster''s pods')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;rollout;status' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With -l: how many clusters at once')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Follow until done; `--watch=false` prints the state once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long, with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;rollout;restart' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With -l: how many clusters at once')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before restarting the clusters a selector chose (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before restarting the clusters a selector chose (required without a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;rollout;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Ask the controller for a rolling restart of a cluster''s pods')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;rollout;help;status' {
            break
        }
        'pgctl;rollout;help;restart' {
            break
        }
        'pgctl;rollout;help;help' {
            break
        }
        'pgctl;switchover' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The replica to hand over to (default: the best caught-up streaming replica)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Schedule the switchover at this time (RFC 3339, e.g. 2026-12-05T03:00:00Z) instead of now')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;failover' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The member to promote (also when the master is gone)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;restart' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With -l: how many clusters at once')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation before restarting the master (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation before restarting the master (required when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;reinit' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait until the replica streams again (0: do not wait)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;history' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;reload' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With -l: how many clusters at once')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With -l: the matching clusters of every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;test' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'The clusters matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'The clusters matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, or json for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, or json for scripts')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many clusters are tested at once')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long one connection may take')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Clusters of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Clusters of every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;policy' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the policies of the namespace, and on how many clusters each ran as it is now')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a policy''s SQL and where it ran (-o json|yaml for all of it as data)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete policies (the clusters'' records of them stay)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Run a policy on the masters of clusters, unless it ran there as it is now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;policy;create' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'File with the SQL; `-` reads stdin')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'File with the SQL; `-` reads stdin')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--no-transaction', '--no-transaction', [CompletionResultType]::ParameterName, 'Run the statements one by one, outside a transaction (for CREATE DATABASE, VACUUM, CREATE INDEX CONCURRENTLY)')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Replace the policy if it exists')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;policy;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;policy;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table prints the SQL after a short header')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table prints the SQL after a short header')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;policy;delete' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;policy;apply' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'The clusters matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'The clusters matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'The database the SQL runs in')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many clusters run it at once')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, or json for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, or json for scripts')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Clusters of every namespace (with -l: those of every namespace it selects)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Clusters of every namespace (with -l: those of every namespace it selects)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Run it even where it ran as it is now')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before running it on the clusters a selector chose (required without a terminal when -l or -A selects them)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before running it on the clusters a selector chose (required without a terminal when -l or -A selects them)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;policy;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the policies of the namespace, and on how many clusters each ran as it is now')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a policy''s SQL and where it ran (-o json|yaml for all of it as data)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete policies (the clusters'' records of them stay)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Run a policy on the masters of clusters, unless it ran there as it is now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;policy;help;create' {
            break
        }
        'pgctl;policy;help;list' {
            break
        }
        'pgctl;policy;help;show' {
            break
        }
        'pgctl;policy;help;delete' {
            break
        }
        'pgctl;policy;help;apply' {
            break
        }
        'pgctl;policy;help;help' {
            break
        }
        'pgctl;label' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Every cluster of the namespace matching this label selector instead of names')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Every cluster of the namespace matching this label selector instead of names')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Allow changing the value of a label the cluster already has')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;show' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pvc', 'pvc', [CompletionResultType]::ParameterValue, 'A cluster''s volume claims: size, storage class, volume, space used')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;show;pvc' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;show;help' {
            [CompletionResult]::new('pvc', 'pvc', [CompletionResultType]::ParameterValue, 'A cluster''s volume claims: size, storage class, volume, space used')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;show;help;pvc' {
            break
        }
        'pgctl;show;help;help' {
            break
        }
        'pgctl;logs' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The container (default: the pod''s only one, `postgres` in Spilo pods)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'The container (default: the pod''s only one, `postgres` in Spilo pods)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines newer than this (e.g. 10m, 1h)')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines of each pod')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep streaming new lines until interrupted')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep streaming new lines until interrupted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;report' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the bundle (default: NAME-report-<UTC time>.tar.gz here)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the bundle (default: NAME-report-<UTC time>.tar.gz here)')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Lines of each container''s log to include')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;resync' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Every cluster of the namespace matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Every cluster of the namespace matching this label selector, e.g. `team=acid`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each acknowledgement before giving up with exit code 3')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Do not wait for the controller to acknowledge')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;pause' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--patroni', '--patroni', [CompletionResultType]::ParameterName, 'Patroni''s maintenance mode instead: Patroni stops managing PostgreSQL (no automatic failover, no restarts) while the controller keeps reconciling')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;resume' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--patroni', '--patroni', [CompletionResultType]::ParameterName, 'Patroni''s maintenance mode instead: Patroni stops managing PostgreSQL (no automatic failover, no restarts) while the controller keeps reconciling')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;plan' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A manifest to plan instead (`-` for standard input)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A manifest to plan instead (`-` for standard input)')
            [CompletionResult]::new('--operator-config', '--operator-config', [CompletionResultType]::ParameterName, 'Operator ConfigMap (YAML) to plan with, instead of the cluster''s')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table (a readable plan), json or yaml (the plan with the desired objects)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table (a readable plan), json or yaml (the plan with the desired objects)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Plan without contacting a cluster (everything is a creation)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;connect' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Role to connect as (default: the superuser of the operator configuration)')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to connect to')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--replica', '--replica', [CompletionResultType]::ParameterName, 'Connect to the replicas'' Service instead of the master''s')
            [CompletionResult]::new('--pooler', '--pooler', [CompletionResultType]::ParameterName, 'Connect through the cluster''s connection pooler (`NAME-pooler`, with --replica `NAME-pooler-repl`)')
            [CompletionResult]::new('--show-password', '--show-password', [CompletionResultType]::ParameterName, 'Put the password from the role''s Secret into the URI')
            [CompletionResult]::new('--psql', '--psql', [CompletionResultType]::ParameterName, 'Open psql on the cluster (through the pod IP, or a port-forward when it is unreachable)')
            [CompletionResult]::new('--port-forward', '--port-forward', [CompletionResultType]::ParameterName, 'With --psql: always use a port-forward')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;install' {
            [CompletionResult]::new('--watch-namespace', '--watch-namespace', [CompletionResultType]::ParameterName, 'Namespaces whose clusters the controller manages (`*` for all, or `a,b`)')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas of the controller Deployment')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Image of the controller')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`client` prints the manifests (with -o yaml or json) without contacting a cluster')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of --dry-run')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of --dry-run')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the controller')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Do not wait for the controller to be ready')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;uninstall' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--delete-crd', '--delete-crd', [CompletionResultType]::ParameterName, 'Also delete the CRD, which deletes every cluster and, by their retention policy, their data')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required with --delete-crd when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required with --delete-crd when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;validate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file to check, or `-` for standard input; repeat for several files')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file to check, or `-` for standard input; repeat for several files')
            [CompletionResult]::new('--operator-config', '--operator-config', [CompletionResultType]::ParameterName, 'Operator ConfigMap (YAML) whose settings apply, e.g. min_instances; defaults otherwise')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat warnings as errors (exit 1 when there is any)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;crd' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;version' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Print only the client version, without contacting a cluster')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;completions' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;reference-markdown' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: its current context)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the namespace of the kubeconfig context, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output; `NO_COLOR` turns `auto` off')
            [CompletionResult]::new('--controller-namespace', '--controller-namespace', [CompletionResultType]::ParameterName, 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pgctl;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a cluster from flags, from a file (-f), or with a wizard at a terminal')
            [CompletionResult]::new('clone', 'clone', [CompletionResultType]::ParameterValue, 'Create a cluster that starts as a copy of a running one (same namespace)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a base backup of a cluster now, into its WAL archive')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Create a cluster restored from another''s WAL archive to a moment (point-in-time restore)')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Promote a standby cluster: it stops following its source and takes writes')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Upgrade a cluster to a new PostgreSQL major in place (pg_upgrade), after a preflight')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply manifests with server-side apply (several documents, `-` for stdin)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List clusters: name, team, version, instances, volume, status, age')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'Change the number of instances')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a cluster''s spec with flags (a patch of the fields named)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a cluster''s manifest in $EDITOR; it is validated before it is sent')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete clusters, showing what goes and what stays first')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Follow or trigger rolling updates')
            [CompletionResult]::new('switchover', 'switchover', [CompletionResultType]::ParameterValue, 'Hand the master role to a replica (Patroni switchover), now or at a time')
            [CompletionResult]::new('failover', 'failover', [CompletionResultType]::ParameterValue, 'Promote a member when the master is gone or must go now (Patroni failover)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart PostgreSQL in place through Patroni (pods stay), replicas first')
            [CompletionResult]::new('reinit', 'reinit', [CompletionResultType]::ParameterValue, 'Rebuild a replica from the master: its data directory is wiped (Patroni reinitialize)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show the cluster''s timeline switches (switchovers, failovers), from Patroni')
            [CompletionResult]::new('reload', 'reload', [CompletionResultType]::ParameterValue, 'Make PostgreSQL reread its configuration on every instance (Patroni reload)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Connect to every instance and Service of clusters: up, role as labelled, latency, lag')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Store SQL policies and run them on the masters of selected clusters, once per version')
            [CompletionResult]::new('label', 'label', [CompletionResultType]::ParameterValue, 'Set or remove labels of clusters (`key=value`, `key-`)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show details of a cluster''s parts (`show pvc`: its volume claims and their use)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the logs of a cluster''s pods (all of them, or one), or follow them')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Write a diagnostic bundle of a cluster (objects, Events, Patroni, logs; no credentials)')
            [CompletionResult]::new('resync', 'resync', [CompletionResultType]::ParameterValue, 'Ask the controller to reconcile clusters now, and wait until it did')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Make the controller leave a cluster alone (condition Paused) until `resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let the controller reconcile a paused cluster again')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what the controller will create or change for a cluster (a diff against the live objects)')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Print a connection URI for a cluster, or open psql on it')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the CRD, RBAC, ConfigMap and controller Deployment, and wait until it is ready')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove the controller; the clusters and their data stay unless --delete-crd is given')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check postgresql manifests offline, without a cluster')
            [CompletionResult]::new('crd', 'crd', [CompletionResultType]::ParameterValue, 'Print the CustomResourceDefinition of the postgresql resource')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client version and, when reachable, the controller''s and the API server''s')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('reference-markdown', 'reference-markdown', [CompletionResultType]::ParameterValue, 'Print the command reference as Markdown (for docs/cli.md)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgctl;help;create' {
            break
        }
        'pgctl;help;clone' {
            break
        }
        'pgctl;help;backup' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the base backups, the archived WAL and the restorable time of the cluster''s archive')
            break
        }
        'pgctl;help;backup;list' {
            break
        }
        'pgctl;help;restore' {
            break
        }
        'pgctl;help;promote' {
            break
        }
        'pgctl;help;upgrade' {
            break
        }
        'pgctl;help;apply' {
            break
        }
        'pgctl;help;list' {
            break
        }
        'pgctl;help;status' {
            break
        }
        'pgctl;help;scale' {
            break
        }
        'pgctl;help;update' {
            break
        }
        'pgctl;help;edit' {
            break
        }
        'pgctl;help;delete' {
            break
        }
        'pgctl;help;rollout' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Ask the controller for a rolling restart of a cluster''s pods')
            break
        }
        'pgctl;help;rollout;status' {
            break
        }
        'pgctl;help;rollout;restart' {
            break
        }
        'pgctl;help;switchover' {
            break
        }
        'pgctl;help;failover' {
            break
        }
        'pgctl;help;restart' {
            break
        }
        'pgctl;help;reinit' {
            break
        }
        'pgctl;help;history' {
            break
        }
        'pgctl;help;reload' {
            break
        }
        'pgctl;help;test' {
            break
        }
        'pgctl;help;policy' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the policies of the namespace, and on how many clusters each ran as it is now')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a policy''s SQL and where it ran (-o json|yaml for all of it as data)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete policies (the clusters'' records of them stay)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Run a policy on the masters of clusters, unless it ran there as it is now')
            break
        }
        'pgctl;help;policy;create' {
            break
        }
        'pgctl;help;policy;list' {
            break
        }
        'pgctl;help;policy;show' {
            break
        }
        'pgctl;help;policy;delete' {
            break
        }
        'pgctl;help;policy;apply' {
            break
        }
        'pgctl;help;label' {
            break
        }
        'pgctl;help;show' {
            [CompletionResult]::new('pvc', 'pvc', [CompletionResultType]::ParameterValue, 'A cluster''s volume claims: size, storage class, volume, space used')
            break
        }
        'pgctl;help;show;pvc' {
            break
        }
        'pgctl;help;logs' {
            break
        }
        'pgctl;help;report' {
            break
        }
        'pgctl;help;resync' {
            break
        }
        'pgctl;help;pause' {
            break
        }
        'pgctl;help;resume' {
            break
        }
        'pgctl;help;plan' {
            break
        }
        'pgctl;help;connect' {
            break
        }
        'pgctl;help;install' {
            break
        }
        'pgctl;help;uninstall' {
            break
        }
        'pgctl;help;validate' {
            break
        }
        'pgctl;help;crd' {
            break
        }
        'pgctl;help;version' {
            break
        }
        'pgctl;help;completions' {
            break
        }
        'pgctl;help;reference-markdown' {
            break
        }
        'pgctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
