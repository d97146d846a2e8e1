// pgctl-hostpath-provisioner gives the test cluster of tests/cluster dynamic
// volumes without a CSI driver: for every PersistentVolumeClaim that the
// PersistentVolume controller hands to this provisioner (annotation
// volume.kubernetes.io/storage-provisioner), it creates a directory under
// --root and a hostPath PersistentVolume pre-bound to the claim; the
// PersistentVolume controller of kube-controller-manager then binds the two.
//
// With a WaitForFirstConsumer StorageClass the scheduler picks the node first
// (annotation volume.kubernetes.io/selected-node) and the volume is pinned to
// that node, like local volumes on a real cluster.
//
// It also deletes released volumes whose reclaim policy is Delete, and grows
// its volumes when their claim asks for more storage (the StorageClass allows
// expansion), as an external resizer would.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	storagelisters "k8s.io/client-go/listers/storage/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	annStorageProvisioner     = "volume.kubernetes.io/storage-provisioner"
	annBetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner"
	annSelectedNode           = "volume.kubernetes.io/selected-node"
	annProvisionedBy          = "pv.kubernetes.io/provisioned-by"
)

type provisioner struct {
	name    string
	root    string
	client  kubernetes.Interface
	claims  corelisters.PersistentVolumeClaimLister
	volumes corelisters.PersistentVolumeLister
	classes storagelisters.StorageClassLister
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster")
	name := flag.String("name", "pgctl.test/hostpath", "provisioner name, as in the StorageClass")
	root := flag.String("root", "", "directory that holds the volumes")
	flag.Parse()
	if *kubeconfig == "" || *root == "" {
		fmt.Fprintln(os.Stderr, "usage: pgctl-hostpath-provisioner --kubeconfig FILE --root DIR [--name NAME]")
		os.Exit(2)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fatal("reading kubeconfig: %v", err)
	}
	config.UserAgent = "pgctl-hostpath-provisioner"
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		fatal("creating client: %v", err)
	}
	if err := os.MkdirAll(*root, 0o755); err != nil {
		fatal("creating %s: %v", *root, err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	factory := informers.NewSharedInformerFactory(client, 5*time.Minute)
	p := &provisioner{
		name:    *name,
		root:    *root,
		client:  client,
		claims:  factory.Core().V1().PersistentVolumeClaims().Lister(),
		volumes: factory.Core().V1().PersistentVolumes().Lister(),
		classes: factory.Storage().V1().StorageClasses().Lister(),
	}

	// Any change wakes the reconcile loop; it looks at everything each time,
	// which is plenty fast for a test cluster.
	wake := make(chan struct{}, 1)
	notify := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { notify() },
		UpdateFunc: func(any, any) { notify() },
		DeleteFunc: func(any) { notify() },
	}
	for _, informer := range []cache.SharedIndexInformer{
		factory.Core().V1().PersistentVolumeClaims().Informer(),
		factory.Core().V1().PersistentVolumes().Informer(),
		factory.Storage().V1().StorageClasses().Informer(),
	} {
		if _, err := informer.AddEventHandler(handler); err != nil {
			fatal("adding event handler: %v", err)
		}
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	logf("provisioner %q ready, volumes under %s", p.name, p.root)

	ticker := time.NewTicker(5 * time.Second)
	defer ticker.Stop()
	for {
		p.reconcile(ctx)
		select {
		case <-ctx.Done():
			logf("stopping")
			return
		case <-wake:
		case <-ticker.C:
		}
	}
}

func (p *provisioner) reconcile(ctx context.Context) {
	claims, err := p.claims.List(labels.Everything())
	if err != nil {
		logf("listing claims: %v", err)
		return
	}
	for _, claim := range claims {
		switch {
		case claim.Spec.VolumeName == "" && claim.Status.Phase == corev1.ClaimPending && p.isOurs(claim, annStorageProvisioner, annBetaStorageProvisioner):
			if err := p.provision(ctx, claim); err != nil {
				logf("provisioning %s/%s: %v", claim.Namespace, claim.Name, err)
			}
		case claim.Spec.VolumeName != "" && claim.Status.Phase == corev1.ClaimBound:
			if err := p.resize(ctx, claim); err != nil {
				logf("resizing %s/%s: %v", claim.Namespace, claim.Name, err)
			}
		}
	}

	volumes, err := p.volumes.List(labels.Everything())
	if err != nil {
		logf("listing volumes: %v", err)
		return
	}
	for _, volume := range volumes {
		if volume.Annotations[annProvisionedBy] != p.name ||
			volume.Status.Phase != corev1.VolumeReleased ||
			volume.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete ||
			volume.DeletionTimestamp != nil {
			continue
		}
		if err := p.delete(ctx, volume); err != nil {
			logf("deleting volume %s: %v", volume.Name, err)
		}
	}
}

// isOurs tells whether the PersistentVolume controller handed the claim to
// this provisioner, through any of the keys.
func (p *provisioner) isOurs(claim *corev1.PersistentVolumeClaim, keys ...string) bool {
	for _, key := range keys {
		if claim.Annotations[key] == p.name {
			return true
		}
	}
	return false
}

func (p *provisioner) provision(ctx context.Context, claim *corev1.PersistentVolumeClaim) error {
	name := "pvc-" + string(claim.UID)
	if _, err := p.volumes.Get(name); err == nil {
		return nil // already created; the PersistentVolume controller binds it
	}
	className := ""
	if claim.Spec.StorageClassName != nil {
		className = *claim.Spec.StorageClassName
	}
	class, err := p.classes.Get(className)
	if err != nil {
		return fmt.Errorf("storage class %q: %w", className, err)
	}
	size, ok := claim.Spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		return fmt.Errorf("the claim requests no storage")
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if class.ReclaimPolicy != nil {
		reclaim = *class.ReclaimPolicy
	}
	path := filepath.Join(p.root, fmt.Sprintf("%s-%s-%s", claim.Namespace, claim.Name, claim.UID))
	if err := os.MkdirAll(path, 0o777); err != nil {
		return err
	}
	hostPathType := corev1.HostPathDirectoryOrCreate
	volume := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Annotations: map[string]string{annProvisionedBy: p.name},
		},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   claim.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              className,
			VolumeMode:                    claim.Spec.VolumeMode,
			MountOptions:                  class.MountOptions,
			ClaimRef: &corev1.ObjectReference{
				APIVersion: "v1",
				Kind:       "PersistentVolumeClaim",
				Namespace:  claim.Namespace,
				Name:       claim.Name,
				UID:        claim.UID,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				HostPath: &corev1.HostPathVolumeSource{Path: path, Type: &hostPathType},
			},
		},
	}
	if node := claim.Annotations[annSelectedNode]; node != "" {
		volume.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{
			Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{
					Key:      "kubernetes.io/hostname",
					Operator: corev1.NodeSelectorOpIn,
					Values:   []string{node},
				}},
			}}},
		}
	}
	_, err = p.client.CoreV1().PersistentVolumes().Create(ctx, volume, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err == nil {
		logf("created volume %s (%s) for claim %s/%s", name, size.String(), claim.Namespace, claim.Name)
	}
	return err
}

// resize grows a bound volume of ours when its claim asks for more storage:
// the volume's capacity first, then the claim's status, as a resizer does.
func (p *provisioner) resize(ctx context.Context, claim *corev1.PersistentVolumeClaim) error {
	requested, ok := claim.Spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		return nil
	}
	current := claim.Status.Capacity[corev1.ResourceStorage]
	if requested.Cmp(current) <= 0 {
		return nil
	}
	volume, err := p.volumes.Get(claim.Spec.VolumeName)
	if err != nil || volume.Annotations[annProvisionedBy] != p.name {
		return nil
	}
	if volume.Spec.Capacity.Storage().Cmp(requested) < 0 {
		updated := volume.DeepCopy()
		updated.Spec.Capacity[corev1.ResourceStorage] = requested
		if _, err := p.client.CoreV1().PersistentVolumes().Update(ctx, updated, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	updated := claim.DeepCopy()
	if updated.Status.Capacity == nil {
		updated.Status.Capacity = corev1.ResourceList{}
	}
	updated.Status.Capacity[corev1.ResourceStorage] = requested
	updated.Status.Conditions = nil
	updated.Status.AllocatedResources = corev1.ResourceList{corev1.ResourceStorage: requested}
	updated.Status.AllocatedResourceStatuses = nil
	if _, err := p.client.CoreV1().PersistentVolumeClaims(claim.Namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{}); err != nil {
		return err
	}
	logf("resized claim %s/%s to %s", claim.Namespace, claim.Name, requested.String())
	return nil
}

func (p *provisioner) delete(ctx context.Context, volume *corev1.PersistentVolume) error {
	if volume.Spec.HostPath != nil {
		path := volume.Spec.HostPath.Path
		// Only ever remove what this provisioner created.
		if rel, err := filepath.Rel(p.root, path); err == nil && rel != "." && filepath.IsLocal(rel) {
			if err := os.RemoveAll(path); err != nil {
				return err
			}
		}
	}
	err := p.client.CoreV1().PersistentVolumes().Delete(ctx, volume.Name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err == nil {
		logf("deleted released volume %s", volume.Name)
	}
	return err
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format(time.RFC3339), fmt.Sprintf(format, args...))
}

func fatal(format string, args ...any) {
	logf(format, args...)
	os.Exit(1)
}
