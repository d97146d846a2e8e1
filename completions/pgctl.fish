# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pgctl_global_optspecs
    string join \n kubeconfig= context= n/namespace= request-timeout= color= controller-namespace= h/help V/version
end

function __fish_pgctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pgctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pgctl_using_subcommand
    set -l cmd (__fish_pgctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pgctl -n "__fish_pgctl_needs_command" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_needs_command" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_needs_command" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_needs_command" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_needs_command" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_needs_command" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_needs_command" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "create" -d 'Create a cluster from flags, from a file (-f), or with a wizard at a terminal'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "clone" -d 'Create a cluster that starts as a copy of a running one (same namespace)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "backup" -d 'Take a base backup of a cluster now, into its WAL archive'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "restore" -d 'Create a cluster restored from another\'s WAL archive to a moment (point-in-time restore)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "promote" -d 'Promote a standby cluster: it stops following its source and takes writes'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "upgrade" -d 'Upgrade a cluster to a new PostgreSQL major in place (pg_upgrade), after a preflight'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "apply" -d 'Apply manifests with server-side apply (several documents, `-` for stdin)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "list" -d 'List clusters: name, team, version, instances, volume, status, age'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "get" -d 'List clusters: name, team, version, instances, volume, status, age'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "status" -d 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "describe" -d 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "scale" -d 'Change the number of instances'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "update" -d 'Change a cluster\'s spec with flags (a patch of the fields named)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "edit" -d 'Edit a cluster\'s manifest in $EDITOR; it is validated before it is sent'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "delete" -d 'Delete clusters, showing what goes and what stays first'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "rollout" -d 'Follow or trigger rolling updates'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "switchover" -d 'Hand the master role to a replica (Patroni switchover), now or at a time'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "failover" -d 'Promote a member when the master is gone or must go now (Patroni failover)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "restart" -d 'Restart PostgreSQL in place through Patroni (pods stay), replicas first'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "reinit" -d 'Rebuild a replica from the master: its data directory is wiped (Patroni reinitialize)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "history" -d 'Show the cluster\'s timeline switches (switchovers, failovers), from Patroni'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "reload" -d 'Make PostgreSQL reread its configuration on every instance (Patroni reload)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "test" -d 'Connect to every instance and Service of clusters: up, role as labelled, latency, lag'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "policy" -d 'Store SQL policies and run them on the masters of selected clusters, once per version'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "label" -d 'Set or remove labels of clusters (`key=value`, `key-`)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "show" -d 'Show details of a cluster\'s parts (`show pvc`: its volume claims and their use)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "logs" -d 'Print the logs of a cluster\'s pods (all of them, or one), or follow them'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "report" -d 'Write a diagnostic bundle of a cluster (objects, Events, Patroni, logs; no credentials)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "resync" -d 'Ask the controller to reconcile clusters now, and wait until it did'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "pause" -d 'Make the controller leave a cluster alone (condition Paused) until `resume`'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "resume" -d 'Let the controller reconcile a paused cluster again'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "plan" -d 'Show what the controller will create or change for a cluster (a diff against the live objects)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "connect" -d 'Print a connection URI for a cluster, or open psql on it'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "install" -d 'Install the CRD, RBAC, ConfigMap and controller Deployment, and wait until it is ready'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "uninstall" -d 'Remove the controller; the clusters and their data stay unless --delete-crd is given'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "validate" -d 'Check postgresql manifests offline, without a cluster'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "crd" -d 'Print the CustomResourceDefinition of the postgresql resource'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "version" -d 'Print the client version and, when reachable, the controller\'s and the API server\'s'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "reference-markdown" -d 'Print the command reference as Markdown (for docs/cli.md)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -s f -l filename -d 'Create from a manifest file instead of flags (`-` for standard input)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l team -d 'Team that owns the cluster (`spec.teamId`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l instances -d 'Number of instances (pods) (`spec.numberOfInstances`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l pg-version -d 'PostgreSQL major version (`spec.postgresql.version`)' -r -f -a "14\t''
15\t''
16\t''
17\t''
18\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l size -d 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l storage-class -d 'Storage class of the data volumes (`spec.volume.storageClass`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l cpu -d 'CPU request of the postgres container, e.g. `500m`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l memory -d 'Memory request of the postgres container, e.g. `1Gi`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l cpu-limit -d 'CPU limit of the postgres container' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l memory-limit -d 'Memory limit of the postgres container' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l user -d 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role\'s flags)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l database -d 'A database and its owner, e.g. `app:app`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l param -d 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l label -d 'A label of the postgresql resource, `key=value`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l annotation -d 'An annotation of the postgresql resource, `key=value`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l image -d 'Spilo image of the cluster (`spec.dockerImage`; default: the controller\'s `docker_image`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l load-balancer -d 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l pooler -d 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l replica-pooler -d 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l dry-run -d '`client` prints the manifest without contacting a cluster; `server` has the API server validate it without creating it' -r -f -a "none\t'Send the request'
client\t'Print what would be sent without contacting a cluster'
server\t'Ask the API server to validate the request without persisting it'"
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -s o -l output -d 'Output format of --dry-run (yaml or json) or of the created resource' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l standby-of -d 'Make the cluster a standby of SOURCE, a cluster of the same namespace: it streams from SOURCE\'s master Service, and SOURCE\'s `standby` and `postgres` Secrets are copied under the new cluster\'s names (the version and team default to SOURCE\'s)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l standby-host -d 'Make the cluster a standby of a primary elsewhere (`spec.standby.standby_host`); its replication and superuser credentials must be in the new cluster\'s Secrets first' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l standby-port -d 'Port of --standby-host (default 5432)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l timeout -d 'How long --wait waits before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l no-wizard -d 'Never start the wizard, even at a terminal without flags'
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -l wait -d 'Wait until the change is done (the cluster Running, or gone for delete)'
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand create" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l team -d 'Team that owns the cluster (`spec.teamId`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l instances -d 'Number of instances (pods) (`spec.numberOfInstances`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l pg-version -d 'PostgreSQL major version (`spec.postgresql.version`)' -r -f -a "14\t''
15\t''
16\t''
17\t''
18\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l size -d 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l storage-class -d 'Storage class of the data volumes (`spec.volume.storageClass`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l cpu -d 'CPU request of the postgres container, e.g. `500m`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l memory -d 'Memory request of the postgres container, e.g. `1Gi`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l cpu-limit -d 'CPU limit of the postgres container' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l memory-limit -d 'Memory limit of the postgres container' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l user -d 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role\'s flags)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l database -d 'A database and its owner, e.g. `app:app`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l param -d 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l label -d 'A label of the postgresql resource, `key=value`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l annotation -d 'An annotation of the postgresql resource, `key=value`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l image -d 'Spilo image of the cluster (`spec.dockerImage`; default: the controller\'s `docker_image`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l load-balancer -d 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l pooler -d 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l replica-pooler -d 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l dry-run -d '`client` prints the clone\'s manifest (the source is read, nothing is created); `server` has the API server validate it without creating it' -r -f -a "none\t'Send the request'
client\t'Print what would be sent without contacting a cluster'
server\t'Ask the API server to validate the request without persisting it'"
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -s o -l output -d 'Output format of --dry-run (yaml or json) or of the created resource' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l timeout -d 'How long --wait waits before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -l wait -d 'Wait until the change is done (the cluster Running, or gone for delete)'
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand clone" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -l wait -d 'Wait for the base backup to end (`--wait=false`: start it and return; its output goes to the master\'s log)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -l timeout -d 'With --logical: how long to wait for the Job before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -l logical -d 'A logical backup (`pg_dumpall` to the bucket) instead: a Job from the cluster\'s logical backup CronJob, which `spec.enableLogicalBackup: true` makes'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -a "list" -d 'List the base backups, the archived WAL and the restorable time of the cluster\'s archive'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and not __fish_seen_subcommand_from list help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l uid -d 'Only this incarnation\'s archive (the `metadata.uid` the cluster had); default: the existing cluster\'s, or every incarnation\'s when it is gone' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l endpoint -d 'The object store\'s endpoint as this machine reaches it (the pods\' `AWS_ENDPOINT` may be an in-cluster address), e.g. `http://127.0.0.1:27070`; requests to it are path-style' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l bucket -d 'The bucket, when `wal_s3_bucket` is empty (a cluster that archives through its own env)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, or json / yaml (the whole catalog as data)' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the base backups, the archived WAL and the restorable time of the cluster\'s archive'
complete -c pgctl -n "__fish_pgctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l from -d 'The cluster whose archive is restored (same namespace); it may have been deleted' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l time -d 'The moment to restore to: RFC 3339 with an offset, e.g. 2026-12-04T10:15:00+00:00. The archive must hold a commit after it (a quiet cluster archives every 30 minutes)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l uid -d 'The uid (`metadata.uid`) of the incarnation of SOURCE whose archive is read; default: the existing SOURCE\'s. Required when SOURCE no longer exists' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l s3-wal-path -d 'Where SOURCE\'s archive is, when not in the controller\'s `wal_s3_bucket` (`spec.clone.s3_wal_path`, e.g. s3://bucket/spilo/acid-src/UID/wal/17)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l endpoint -d 'The object store\'s endpoint as this machine reaches it (the pods\' `AWS_ENDPOINT` may be an in-cluster address), e.g. `http://127.0.0.1:27070`; requests to it are path-style' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l bucket -d 'The bucket, when `wal_s3_bucket` is empty (a cluster that archives through its own env)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l team -d 'Team that owns the cluster (`spec.teamId`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l instances -d 'Number of instances (pods) (`spec.numberOfInstances`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l pg-version -d 'PostgreSQL major version (`spec.postgresql.version`)' -r -f -a "14\t''
15\t''
16\t''
17\t''
18\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l size -d 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l storage-class -d 'Storage class of the data volumes (`spec.volume.storageClass`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l cpu -d 'CPU request of the postgres container, e.g. `500m`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l memory -d 'Memory request of the postgres container, e.g. `1Gi`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l cpu-limit -d 'CPU limit of the postgres container' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l memory-limit -d 'Memory limit of the postgres container' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l user -d 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role\'s flags)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l database -d 'A database and its owner, e.g. `app:app`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l param -d 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l label -d 'A label of the postgresql resource, `key=value`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l annotation -d 'An annotation of the postgresql resource, `key=value`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l image -d 'Spilo image of the cluster (`spec.dockerImage`; default: the controller\'s `docker_image`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l load-balancer -d 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l pooler -d 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l replica-pooler -d 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l dry-run -d '`client` prints the new cluster\'s manifest (nothing is created); `server` has the API server validate it without creating it' -r -f -a "none\t'Send the request'
client\t'Print what would be sent without contacting a cluster'
server\t'Ask the API server to validate the request without persisting it'"
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -s o -l output -d 'Output format of --dry-run (yaml or json) or of the created resource' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l timeout -d 'How long --wait waits before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -l wait -d 'Wait until the change is done (the cluster Running, or gone for delete)'
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand restore" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -l timeout -d 'How long --wait waits before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -l wait -d 'Wait until the change is done (the cluster Running, or gone for delete)'
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand promote" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l to -d 'The major version to upgrade to (e.g. 17)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -s o -l output -d 'Output format of `--check`' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l timeout -d 'How long --wait waits before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l check -d 'Run the preflight checks only; nothing is changed or stopped. Exit 1 when one fails'
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -l wait -d 'Wait until the change is done (the cluster Running, or gone for delete)'
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand upgrade" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -s f -l filename -d 'Manifest file (`-` for standard input); repeat for several; each may hold several documents' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -l dry-run -d '`client` prints the objects that would be applied; `server` has the API server check them' -r -f -a "none\t'Send the request'
client\t'Print what would be sent without contacting a cluster'
server\t'Ask the API server to validate the request without persisting it'"
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -s o -l output -d 'Output format: name (default) prints one line per object; json or yaml the applied objects' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -l force-conflicts -d 'Take over fields another field manager owns'
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand apply" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -s l -l selector -d 'Label selector, e.g. `team=acid,env!=prod`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -s A -l all-namespaces -d 'List clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand list" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -s l -l selector -d 'Label selector, e.g. `team=acid,env!=prod`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -s o -l output -d 'Output format' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -s A -l all-namespaces -d 'List clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand get" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -s l -l selector -d 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -l concurrency -d 'With -l: how many clusters at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -s o -l output -d 'Output format: table (a screen for people), json or yaml (the same information as data)' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -l events -d 'How many of the latest events to show' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -s A -l all-namespaces -d 'With -l: the matching clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -s w -l watch -d 'Refresh every two seconds until interrupted'
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand status" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -s l -l selector -d 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -l concurrency -d 'With -l: how many clusters at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -s o -l output -d 'Output format: table (a screen for people), json or yaml (the same information as data)' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -l events -d 'How many of the latest events to show' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -s A -l all-namespaces -d 'With -l: the matching clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -s w -l watch -d 'Refresh every two seconds until interrupted'
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand describe" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -s l -l selector -d 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l concurrency -d 'With -l: how many clusters at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l instances -d 'The new number of instances' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l timeout -d 'How long --wait waits before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -s A -l all-namespaces -d 'With -l: the matching clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -s y -l yes -d 'Do not ask for confirmation (needed to scale to 0 when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -l wait -d 'Wait until the change is done (the cluster Running, or gone for delete)'
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand scale" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -s l -l selector -d 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l concurrency -d 'With -l: how many clusters at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l team -d 'Team that owns the cluster (`spec.teamId`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l instances -d 'Number of instances (pods) (`spec.numberOfInstances`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l pg-version -d 'PostgreSQL major version (`spec.postgresql.version`)' -r -f -a "14\t''
15\t''
16\t''
17\t''
18\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l size -d 'Size of each data volume, e.g. `10Gi` (`spec.volume.size`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l storage-class -d 'Storage class of the data volumes (`spec.volume.storageClass`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l cpu -d 'CPU request of the postgres container, e.g. `500m`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l memory -d 'Memory request of the postgres container, e.g. `1Gi`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l cpu-limit -d 'CPU limit of the postgres container' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l memory-limit -d 'Memory limit of the postgres container' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l user -d 'A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role\'s flags)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l database -d 'A database and its owner, e.g. `app:app`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l param -d 'A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l label -d 'A label of the postgresql resource, `key=value`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l annotation -d 'An annotation of the postgresql resource, `key=value`; repeat for several' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l image -d 'Spilo image of the cluster (`spec.dockerImage`; default: the controller\'s `docker_image`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l load-balancer -d 'Give the master Service a load balancer (`spec.enableMasterLoadBalancer`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l pooler -d 'Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l replica-pooler -d 'Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`)' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l add-user -d 'Add a role, `NAME[:FLAG,...]`; fails if it exists' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l add-database -d 'Add a database, `NAME:OWNER`; fails if it exists' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l remove-user -d 'Remove a role from spec.users (the role stays in PostgreSQL)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l remove-param -d 'Remove a PostgreSQL parameter' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l dry-run -d '`client` prints the updated manifest; `server` has the API server check the patch' -r -f -a "none\t'Send the request'
client\t'Print what would be sent without contacting a cluster'
server\t'Ask the API server to validate the request without persisting it'"
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -s o -l output -d 'Output format of --dry-run (yaml or json)' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l timeout -d 'How long --wait waits before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -s A -l all-namespaces -d 'With -l: the matching clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -s y -l yes -d 'Do not ask before changing the clusters a selector chose (required without a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -l wait -d 'Wait until the change is done (the cluster Running, or gone for delete)'
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand update" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand edit" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand edit" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand edit" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand edit" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand edit" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand edit" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand edit" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -s l -l selector -d 'Every cluster of the namespace matching this label selector (listed first; at a terminal you type the selector to confirm)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -l timeout -d 'How long --wait waits before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -l confirm-protected -d 'Set the delete-protection annotations the operator configuration requires, then delete'
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -l wait -d 'Wait until the change is done (the cluster Running, or gone for delete)'
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand delete" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -f -a "status" -d 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -f -a "restart" -d 'Ask the controller for a rolling restart of a cluster\'s pods'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and not __fish_seen_subcommand_from status restart help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s l -l selector -d 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l concurrency -d 'With -l: how many clusters at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l watch -d 'Follow until done; `--watch=false` prints the state once' -r -f -a "true\t''
false\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l timeout -d 'Give up after this long, with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s A -l all-namespaces -d 'With -l: the matching clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s l -l selector -d 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l concurrency -d 'With -l: how many clusters at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s A -l all-namespaces -d 'With -l: the matching clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s y -l yes -d 'Do not ask before restarting the clusters a selector chose (required without a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "status" -d 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Ask the controller for a rolling restart of a cluster\'s pods'
complete -c pgctl -n "__fish_pgctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -l to -d 'The replica to hand over to (default: the best caught-up streaming replica)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -l at -d 'Schedule the switchover at this time (RFC 3339, e.g. 2026-12-05T03:00:00Z) instead of now' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand switchover" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -l to -d 'The member to promote (also when the master is gone)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand failover" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -s l -l selector -d 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -l concurrency -d 'With -l: how many clusters at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -s A -l all-namespaces -d 'With -l: the matching clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -s y -l yes -d 'Do not ask for confirmation before restarting the master (required when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand restart" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -l timeout -d 'How long to wait until the replica streams again (0: do not wait)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand reinit" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -s o -l output -d 'Output format' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand history" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -s l -l selector -d 'Instead of a name: every cluster matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -l concurrency -d 'With -l: how many clusters at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -s A -l all-namespaces -d 'With -l: the matching clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand reload" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -s l -l selector -d 'The clusters matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -s o -l output -d 'Output format: table, or json for scripts' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -l concurrency -d 'How many clusters are tested at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -l connect-timeout -d 'How long one connection may take' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -s A -l all-namespaces -d 'Clusters of every namespace'
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand test" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -f -a "create" -d 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -f -a "list" -d 'List the policies of the namespace, and on how many clusters each ran as it is now'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -f -a "show" -d 'Print a policy\'s SQL and where it ran (-o json|yaml for all of it as data)'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -f -a "delete" -d 'Delete policies (the clusters\' records of them stay)'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -f -a "apply" -d 'Run a policy on the masters of clusters, unless it ran there as it is now'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and not __fish_seen_subcommand_from create list show delete apply help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -s f -l file -d 'File with the SQL; `-` reads stdin' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -l no-transaction -d 'Run the statements one by one, outside a transaction (for CREATE DATABASE, VACUUM, CREATE INDEX CONCURRENTLY)'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -l overwrite -d 'Replace the policy if it exists'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table prints the SQL after a short header' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from delete" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from delete" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from delete" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from delete" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from delete" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -s l -l selector -d 'The clusters matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -l database -d 'The database the SQL runs in' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -l concurrency -d 'How many clusters run it at once' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format: table, or json for scripts' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -s A -l all-namespaces -d 'Clusters of every namespace (with -l: those of every namespace it selects)'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -l force -d 'Run it even where it ran as it is now'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Do not ask before running it on the clusters a selector chose (required without a terminal when -l or -A selects them)'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "create" -d 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the policies of the namespace, and on how many clusters each ran as it is now'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a policy\'s SQL and where it ran (-o json|yaml for all of it as data)'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete policies (the clusters\' records of them stay)'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Run a policy on the masters of clusters, unless it ran there as it is now'
complete -c pgctl -n "__fish_pgctl_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -s l -l selector -d 'Every cluster of the namespace matching this label selector instead of names' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -l overwrite -d 'Allow changing the value of a label the cluster already has'
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand label" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -f -a "pvc" -d 'A cluster\'s volume claims: size, storage class, volume, space used'
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and not __fish_seen_subcommand_from pvc help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -s o -l output -d 'Output format' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from pvc" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "pvc" -d 'A cluster\'s volume claims: size, storage class, volume, space used'
complete -c pgctl -n "__fish_pgctl_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -s c -l container -d 'The container (default: the pod\'s only one, `postgres` in Spilo pods)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -l since -d 'Only lines newer than this (e.g. 10m, 1h)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -l tail -d 'Only the last N lines of each pod' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -s f -l follow -d 'Keep streaming new lines until interrupted'
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand logs" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -s o -l output -d 'Where to write the bundle (default: NAME-report-<UTC time>.tar.gz here)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -l tail -d 'Lines of each container\'s log to include' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand report" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -s l -l selector -d 'Every cluster of the namespace matching this label selector, e.g. `team=acid`' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -l timeout -d 'How long to wait for each acknowledgement before giving up with exit code 3' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -l no-wait -d 'Do not wait for the controller to acknowledge'
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand resync" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -l patroni -d 'Patroni\'s maintenance mode instead: Patroni stops managing PostgreSQL (no automatic failover, no restarts) while the controller keeps reconciling'
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand pause" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -l patroni -d 'Patroni\'s maintenance mode instead: Patroni stops managing PostgreSQL (no automatic failover, no restarts) while the controller keeps reconciling'
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand resume" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -s f -l filename -d 'A manifest to plan instead (`-` for standard input)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -l operator-config -d 'Operator ConfigMap (YAML) to plan with, instead of the cluster\'s' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -s o -l output -d 'Output format: table (a readable plan), json or yaml (the plan with the desired objects)' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -l offline -d 'Plan without contacting a cluster (everything is a creation)'
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand plan" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l user -d 'Role to connect as (default: the superuser of the operator configuration)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l database -d 'Database to connect to' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l replica -d 'Connect to the replicas\' Service instead of the master\'s'
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l pooler -d 'Connect through the cluster\'s connection pooler (`NAME-pooler`, with --replica `NAME-pooler-repl`)'
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l show-password -d 'Put the password from the role\'s Secret into the URI'
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l psql -d 'Open psql on the cluster (through the pod IP, or a port-forward when it is unreachable)'
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -l port-forward -d 'With --psql: always use a port-forward'
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand connect" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l watch-namespace -d 'Namespaces whose clusters the controller manages (`*` for all, or `a,b`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l replicas -d 'Replicas of the controller Deployment' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l image -d 'Image of the controller' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l dry-run -d '`client` prints the manifests (with -o yaml or json) without contacting a cluster' -r -f -a "none\t'Send the request'
client\t'Print what would be sent without contacting a cluster'
server\t'Ask the API server to validate the request without persisting it'"
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -s o -l output -d 'Output format of --dry-run' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l timeout -d 'How long to wait for the controller' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -l no-wait -d 'Do not wait for the controller to be ready'
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand install" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -l delete-crd -d 'Also delete the CRD, which deletes every cluster and, by their retention policy, their data'
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -s y -l yes -d 'Do not ask for confirmation (required with --delete-crd when stdin is not a terminal)'
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand uninstall" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -s f -l filename -d 'Manifest file to check, or `-` for standard input; repeat for several files' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l operator-config -d 'Operator ConfigMap (YAML) whose settings apply, e.g. min_instances; defaults otherwise' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l strict -d 'Treat warnings as errors (exit 1 when there is any)'
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -s o -l output -d 'Output format: table, json or yaml' -r -f -a "table\t'A table (or a screen of sections) for people'
wide\t'The table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`postgresql.acid.zalan.do/NAME`, one a line'"
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -l client -d 'Print only the client version, without contacting a cluster'
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand version" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -l kubeconfig -d 'Kubeconfig file (default: as kubectl finds it, $KUBECONFIG or ~/.kube/config)' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -l context -d 'Kubeconfig context to use (default: its current context)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -s n -l namespace -d 'Namespace (default: the namespace of the kubeconfig context, else `default`)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -l request-timeout -d 'Longest wait for one API request, e.g. `10s`, `1m`; `0` waits forever' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -l color -d 'When to colour the output; `NO_COLOR` turns `auto` off' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is not set'
always\t''
never\t''"
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -l controller-namespace -d 'Namespace of the controller, whose ConfigMap `postgres-operator` holds the operator configuration (min/max_instances, delete protection, secret names)' -r
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "create" -d 'Create a cluster from flags, from a file (-f), or with a wizard at a terminal'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "clone" -d 'Create a cluster that starts as a copy of a running one (same namespace)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "backup" -d 'Take a base backup of a cluster now, into its WAL archive'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "restore" -d 'Create a cluster restored from another\'s WAL archive to a moment (point-in-time restore)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "promote" -d 'Promote a standby cluster: it stops following its source and takes writes'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "upgrade" -d 'Upgrade a cluster to a new PostgreSQL major in place (pg_upgrade), after a preflight'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "apply" -d 'Apply manifests with server-side apply (several documents, `-` for stdin)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "list" -d 'List clusters: name, team, version, instances, volume, status, age'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "status" -d 'Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "scale" -d 'Change the number of instances'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "update" -d 'Change a cluster\'s spec with flags (a patch of the fields named)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "edit" -d 'Edit a cluster\'s manifest in $EDITOR; it is validated before it is sent'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "delete" -d 'Delete clusters, showing what goes and what stays first'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "rollout" -d 'Follow or trigger rolling updates'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "switchover" -d 'Hand the master role to a replica (Patroni switchover), now or at a time'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "failover" -d 'Promote a member when the master is gone or must go now (Patroni failover)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "restart" -d 'Restart PostgreSQL in place through Patroni (pods stay), replicas first'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "reinit" -d 'Rebuild a replica from the master: its data directory is wiped (Patroni reinitialize)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "history" -d 'Show the cluster\'s timeline switches (switchovers, failovers), from Patroni'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "reload" -d 'Make PostgreSQL reread its configuration on every instance (Patroni reload)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "test" -d 'Connect to every instance and Service of clusters: up, role as labelled, latency, lag'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "policy" -d 'Store SQL policies and run them on the masters of selected clusters, once per version'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "label" -d 'Set or remove labels of clusters (`key=value`, `key-`)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "show" -d 'Show details of a cluster\'s parts (`show pvc`: its volume claims and their use)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "logs" -d 'Print the logs of a cluster\'s pods (all of them, or one), or follow them'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "report" -d 'Write a diagnostic bundle of a cluster (objects, Events, Patroni, logs; no credentials)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "resync" -d 'Ask the controller to reconcile clusters now, and wait until it did'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "pause" -d 'Make the controller leave a cluster alone (condition Paused) until `resume`'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "resume" -d 'Let the controller reconcile a paused cluster again'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "plan" -d 'Show what the controller will create or change for a cluster (a diff against the live objects)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "connect" -d 'Print a connection URI for a cluster, or open psql on it'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "install" -d 'Install the CRD, RBAC, ConfigMap and controller Deployment, and wait until it is ready'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "uninstall" -d 'Remove the controller; the clusters and their data stay unless --delete-crd is given'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "validate" -d 'Check postgresql manifests offline, without a cluster'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "crd" -d 'Print the CustomResourceDefinition of the postgresql resource'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "version" -d 'Print the client version and, when reachable, the controller\'s and the API server\'s'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "reference-markdown" -d 'Print the command reference as Markdown (for docs/cli.md)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from create clone backup restore promote upgrade apply list status scale update edit delete rollout switchover failover restart reinit history reload test policy label show logs report resync pause resume plan connect install uninstall validate crd version completions reference-markdown help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "list" -d 'List the base backups, the archived WAL and the restorable time of the cluster\'s archive'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "status" -d 'Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "restart" -d 'Ask the controller for a rolling restart of a cluster\'s pods'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "create" -d 'Store a policy: SQL from a file (`-` for stdin), run in one transaction unless --no-transaction'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "list" -d 'List the policies of the namespace, and on how many clusters each ran as it is now'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "show" -d 'Print a policy\'s SQL and where it ran (-o json|yaml for all of it as data)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "delete" -d 'Delete policies (the clusters\' records of them stay)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "apply" -d 'Run a policy on the masters of clusters, unless it ran there as it is now'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "pvc" -d 'A cluster\'s volume claims: size, storage class, volume, space used'
