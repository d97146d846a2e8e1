# Certificates and keys of the test cluster, made with openssl. Sourced by up.
# Every file is made once and kept while the state directory lives, so that a
# second `up` (or a restart of one component) keeps every client working.
# shellcheck shell=bash

PKI_DAYS=3650

# A certificate authority NAME.crt, NAME.key.
make_ca() { # DIR NAME COMMON_NAME
    local dir="$1" name="$2" common_name="$3"
    [[ -f "$dir/$name.crt" && -f "$dir/$name.key" ]] && return 0
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$name.key" 2>/dev/null
    openssl req -x509 -new -key "$dir/$name.key" -subj "/CN=$common_name" -days "$PKI_DAYS" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
        -out "$dir/$name.crt" 2>/dev/null
}

# A key and a certificate signed by the CA named CA (ca, front-proxy-ca).
#   make_cert DIR CA NAME SUBJECT server|client [SUBJECT_ALT_NAMES]
make_cert() {
    local dir="$1" ca="$2" name="$3" subject="$4" usage="$5" sans="${6:-}"
    [[ -f "$dir/$name.crt" && -f "$dir/$name.key" ]] && return 0
    local extensions="$dir/$name.ext"
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        if [[ "$usage" == server ]]; then
            echo "extendedKeyUsage=serverAuth"
            echo "subjectAltName=$sans"
        else
            echo "extendedKeyUsage=clientAuth"
        fi
    } > "$extensions"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$name.key" 2>/dev/null
    openssl req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr" 2>/dev/null
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -CAcreateserial \
        -days "$PKI_DAYS" -extfile "$extensions" -out "$dir/$name.crt" 2>/dev/null
    rm -f "$dir/$name.csr" "$extensions"
}

# The key pair that signs and verifies service-account tokens.
make_service_account_keys() { # DIR
    local dir="$1"
    [[ -f "$dir/sa.key" && -f "$dir/sa.pub" ]] && return 0
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/sa.key" 2>/dev/null
    openssl pkey -in "$dir/sa.key" -pubout -out "$dir/sa.pub"
}

# A kubeconfig with the CA and a client certificate embedded, so that it can
# be copied anywhere.
#   write_kubeconfig FILE SERVER_URL PKI_DIR CERT_NAME USER
write_kubeconfig() {
    local file="$1" server="$2" dir="$3" cert="$4" user="$5"
    local tmp="$file.tmp"
    cat > "$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pgctl-test
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 < "$dir/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$dir/$cert.crt")
    client-key-data: $(base64 -w0 < "$dir/$cert.key")
contexts:
- name: pgctl-test
  context:
    cluster: pgctl-test
    user: $user
current-context: pgctl-test
EOF
    chmod 600 "$tmp"
    mv -f "$tmp" "$file"
}

# Everything the cluster needs, in PKI_DIR.
make_pki() { # PKI_DIR POD_GATEWAY_IP NODE_COUNT
    local dir="$1" pod_gateway="$2" node_count="$3" i node_sans="IP:127.0.0.1"
    mkdir -p "$dir"
    chmod 700 "$dir"
    # The cluster's CA signs every serving and client certificate, and the
    # kube-controller-manager signs CSRs with it too.
    make_ca "$dir" ca pgctl-test-cluster-ca
    # The front proxy's CA: the API server proves with it to aggregated API
    # servers (and to the components' delegated authentication) who the
    # user behind a proxied request is.
    make_ca "$dir" front-proxy-ca pgctl-test-front-proxy-ca
    make_cert "$dir" front-proxy-ca front-proxy-client "/CN=front-proxy-client" client
    make_service_account_keys "$dir"
    make_cert "$dir" ca apiserver "/CN=kube-apiserver" server \
        "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1,IP:$pod_gateway"
    # The admin of the tests and of people: system:masters bypasses RBAC.
    make_cert "$dir" ca admin "/O=system:masters/CN=pgctl-admin" client
    # Control-plane components use their usual identities, bound by the
    # default RBAC policy of the API server.
    make_cert "$dir" ca kube-controller-manager "/CN=system:kube-controller-manager" client
    make_cert "$dir" ca kube-scheduler "/CN=system:kube-scheduler" client
    # The harness's own helpers act on any object.
    make_cert "$dir" ca kwok "/O=system:masters/CN=pgctl-kwok" client
    make_cert "$dir" ca pgctl-hostpath-provisioner "/O=system:masters/CN=pgctl-hostpath-provisioner" client
    # kube-proxy as the default RBAC policy knows it (system:node-proxier); CoreDNS reads
    # Services, EndpointSlices and Namespaces cluster-wide.
    make_cert "$dir" ca kube-proxy "/CN=system:kube-proxy" client
    make_cert "$dir" ca pgctl-coredns "/O=system:masters/CN=pgctl-coredns" client
    # pgctl-kubelet serves the kubelet API of every node on the node's InternalIP; the API
    # server verifies that certificate with the cluster CA and shows its own client
    # certificate, with the name kubeadm gives it.
    for ((i = 1; i <= node_count; i++)); do node_sans+=",IP:$(node_ip "$i")"; done
    make_cert "$dir" ca kubelet "/CN=pgctl-kubelet" server "$node_sans"
    make_cert "$dir" ca apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" client
}
