// The Kubernetes L1 objects. `cdk8s import k8s` needs the internet; cdk8s-plus-28 ships the same generated
// module for Kubernetes 1.28, so we re-export it (see DESIGN.md, toolchain facts).
export * from 'cdk8s-plus-28/lib/imports/k8s';
