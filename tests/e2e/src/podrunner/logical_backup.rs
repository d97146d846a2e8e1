//! The reference's logical backup image (`logical-backup`), as the runner runs it: its
//! `dump.sh` contract, done with this machine's tools. The CronJob's pod gets the env the
//! operator writes (`SCOPE`, `CLUSTER_NAME_LABEL`, `POD_NAMESPACE`, `PG_VERSION`, `PG*`,
//! `LOGICAL_BACKUP_*`, the credentials), finds the database to dump through the Kubernetes
//! API with its ServiceAccount's token (a replica on its own node, else any replica, else the
//! master), runs `pg_dumpall` of `PG_VERSION` against it, compresses the dump and streams it
//! to `s3://BUCKET/PREFIX/SCOPE{SUFFIX}/logical_backups/EPOCH.sql.gz`, then deletes the dumps
//! older than `LOGICAL_BACKUP_S3_RETENTION_TIME` (by day) but the newest of them, as the image does.
//!
//! Differences with the image (docs/backups.md): the upload is boto3 (of the Barman tools'
//! environment, `tests/backup/ensure`) where the image runs the `aws` CLI, `gzip` where it
//! runs `pigz`; a failed dump deletes the partial object it uploaded (the image leaves it);
//! only the `s3` provider runs here (`gcs` and `az` exit with an error saying so).

/// The image's command (`/dump.sh`), run with `bash -c`.
pub const ENTRYPOINT: &str = r#"set -o errexit -o nounset -o pipefail
PG_BIN="$PG_DIR/$PG_VERSION/bin"
LOGICAL_BACKUP_PROVIDER="${LOGICAL_BACKUP_PROVIDER:-s3}"
if [ "$LOGICAL_BACKUP_PROVIDER" != s3 ]; then
    echo "logical backups to provider $LOGICAL_BACKUP_PROVIDER are not run by the local data plane (only s3)" >&2
    exit 1
fi
account=/var/run/secrets/kubernetes.io/serviceaccount
api="https://$KUBERNETES_SERVICE_HOST:${KUBERNETES_SERVICE_PORT:-443}/api/v1/namespaces/$POD_NAMESPACE/pods"
get() {
    curl --silent --show-error --fail --cacert "$account/ca.crt" \
        -H "Authorization: Bearer $(cat "$account/token")" "$api$1"
}
first_ip() {
    get "?$1" | jq -r '[.items[] | select(.status.phase == "Running" and .status.podIP != null)][0].status.podIP // empty'
}
me="${HOSTNAME:-$(cat /etc/hostname)}"
node="$(get "/$me" | jq -r '.spec.nodeName // empty' || true)"
cluster="labelSelector=$CLUSTER_NAME_LABEL%3D$SCOPE"
PGHOST=""
if [ -n "$node" ]; then
    PGHOST="$(first_ip "$cluster,spilo-role%3Dreplica&fieldSelector=spec.nodeName%3D$node")"
fi
[ -n "$PGHOST" ] || PGHOST="$(first_ip "$cluster,spilo-role%3Dreplica")"
[ -n "$PGHOST" ] || PGHOST="$(first_ip "$cluster,spilo-role%3Dmaster")"
if [ -z "$PGHOST" ]; then
    echo "no running pod of cluster $SCOPE to dump" >&2
    exit 1
fi
export PGHOST
size="$("$PG_BIN/psql" -tqAc 'select sum(pg_database_size(datname)::numeric) from pg_database')"
key="$LOGICAL_BACKUP_S3_BUCKET_PREFIX/$SCOPE${LOGICAL_BACKUP_S3_BUCKET_SCOPE_SUFFIX:-}/logical_backups/$(date +%s).sql.gz"
echo "dumping $SCOPE from $PGHOST (databases: $size bytes) to s3://$LOGICAL_BACKUP_S3_BUCKET/$key"
set +o errexit
"$PG_BIN/pg_dumpall" | gzip | python3 -c "$LOGICAL_BACKUP_S3" upload "$key"
status=("${PIPESTATUS[@]}")
set -o errexit
if [ "${status[0]}" != 0 ] || [ "${status[1]}" != 0 ] || [ "${status[2]}" != 0 ]; then
    echo "the dump failed (pg_dumpall ${status[0]}, gzip ${status[1]}, upload ${status[2]}); its partial upload is deleted" >&2
    python3 -c "$LOGICAL_BACKUP_S3" delete "$key" || true
    exit 1
fi
if [ -n "${LOGICAL_BACKUP_S3_RETENTION_TIME:-}" ]; then
    cutoff="$(date -u -d "$LOGICAL_BACKUP_S3_RETENTION_TIME ago" +%F)"
    python3 -c "$LOGICAL_BACKUP_S3" prune "$LOGICAL_BACKUP_S3_BUCKET_PREFIX/$SCOPE${LOGICAL_BACKUP_S3_BUCKET_SCOPE_SUFFIX:-}/logical_backups/" "$cutoff"
else
    echo "no retention time configured: no dump is deleted"
fi
"#;

/// The S3 side of [`ENTRYPOINT`] (`python3 -c`, in the env variable `LOGICAL_BACKUP_S3`):
/// `upload KEY` streams stdin, `delete KEY`, `prune PREFIX DATE` deletes the objects last
/// modified before DATE but the newest of them. Credentials come from the environment
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`), as boto3 reads them.
pub const S3_HELPER: &str = r#"import os, sys
import boto3
from botocore.config import Config

endpoint = os.environ.get("LOGICAL_BACKUP_S3_ENDPOINT") or None
region = os.environ.get("LOGICAL_BACKUP_S3_REGION") or None
bucket = os.environ["LOGICAL_BACKUP_S3_BUCKET"]
style = "path" if endpoint else "auto"
s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region,
                  config=Config(s3={"addressing_style": style}))
command = sys.argv[1]
if command == "upload":
    sse = os.environ.get("LOGICAL_BACKUP_S3_SSE") or None
    extra = {"ServerSideEncryption": sse} if sse else {}
    s3.upload_fileobj(sys.stdin.buffer, bucket, sys.argv[2], ExtraArgs=extra)
elif command == "delete":
    s3.delete_object(Bucket=bucket, Key=sys.argv[2])
elif command == "prune":
    prefix, cutoff = sys.argv[2], sys.argv[3]
    objects = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        objects.extend(page.get("Contents", []))
    objects.sort(key=lambda o: o["LastModified"])
    old = [o["Key"] for o in objects if o["LastModified"].strftime("%Y-%m-%d") < cutoff]
    # The newest of them stays, as the image spares it.
    if old:
        old.pop()
    for key in old:
        s3.delete_object(Bucket=bucket, Key=key)
    print(f"deleted {len(old)} dumps last modified before {cutoff}")
else:
    sys.exit(f"unknown command {command}")
"#;
