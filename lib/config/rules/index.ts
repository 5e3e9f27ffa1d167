/**
 * Rules that span fields or clusters, run after the schema has accepted each
 * field on its own; one rule per file in this folder. Every rule runs, so one
 * synth reports everything wrong at once. A new rule: a file exporting a
 * `MeshRule`, one line in RULES, a failing edit in __tests__/lib/config/rules.test.ts, its exact messages in
 * __tests__/lib/config/load.errors.test.ts.
 */
import { Problem } from "../../errors";
import { namesAndIds } from "./names";
import { addressRanges } from "./address-ranges";
import { subnetAddresses } from "./subnet-addresses";
import { lanAddresses } from "./lan-addresses";
import { clusterShape } from "./cluster-shape";
import { rookMons } from "./rook-mons";
import { extraReleaseNamespaces } from "./extra-release-namespaces";
import { resources } from "./resources";
import { capacity } from "./capacity";
import { versions } from "./versions";
import { clustermesh } from "./clustermesh";
import { secretsAndTls } from "./secrets-and-tls";
import { proxmoxEndpoints } from "./proxmox-endpoints";
import { literalSecretsRule } from "./literal-secrets";
import { componentNeeds } from "./component-needs";
import { rookStores } from "./rook-stores";
import { proxmoxCsiApi } from "./proxmox-csi-api";
import { chartSources } from "./chart-sources";
import { lbPoolOverlaps } from "./lb-pool-overlaps";
import { lbPoolSize } from "./lb-pool-size";
import { lbPoolReach } from "./lb-pool-reach";
import { clustermeshLoadBalancer } from "./clustermesh-load-balancer";
import { gatewayApi } from "./gateway-api";
import { gatewayAddress } from "./gateway-address";
import { etcdBackupTarget } from "./etcd-backup-target";
import { etcdBackupPathStyle } from "./etcd-backup-path-style";
import { CheckableMesh } from "./rule";

export { RESOURCE_LIMITS, type CheckableMesh } from "./rule";

export interface RuleFindings {
  readonly problems: Problem[];
  readonly warnings: Problem[];
}

/** Every rule, in the order their findings are reported. */
export const RULES = {
  namesAndIds,
  addressRanges,
  subnetAddresses,
  lanAddresses,
  clusterShape,
  rookMons,
  extraReleaseNamespaces,
  resources,
  capacity,
  versions,
  clustermesh,
  secretsAndTls,
  proxmoxEndpoints,
  literalSecrets: literalSecretsRule,
  componentNeeds,
  rookStores,
  proxmoxCsiApi,
  chartSources,
  lbPoolOverlaps,
  lbPoolSize,
  lbPoolReach,
  clustermeshLoadBalancer,
  gatewayApi,
  gatewayAddress,
  etcdBackupTarget,
  etcdBackupPathStyle,
};

export function checkMesh(config: CheckableMesh): RuleFindings {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const report = {
    err: (path: string, message: string, fix: string) => problems.push({ path, message, fix }),
    warn: (path: string, message: string, fix: string) => warnings.push({ path, message, fix }),
  };
  for (const rule of Object.values(RULES)) rule(config, report);
  return { problems, warnings };
}
