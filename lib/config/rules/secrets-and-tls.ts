/** TLS verification and where secrets come from. */
import { secretRefs } from "../secret-refs";
import { MeshRule } from "./rule";

export const secretsAndTls: MeshRule = (config, { err, warn }) => {
  if (config.proxmox.insecure) {
    warn("proxmox.insecure", "TLS verification of the Proxmox API is off", "give Proxmox a trusted certificate and remove insecure");
  }
  for (const [name, host] of Object.entries(config.proxmox.hosts).sort(([a], [b]) => a.localeCompare(b)))
    if (host.insecure)
      warn(`proxmox.hosts.${name}.insecure`, `TLS verification of ${name}'s Proxmox API is off`, "give that host a trusted certificate and remove insecure");
  if (!config.doppler.enabled) {
    for (const { path } of secretRefs(config).filter((r) => "doppler" in r.ref)) {
      err(path, "refers to a Doppler secret but doppler.enabled is false", "set doppler.enabled: true (with project and config), or use {env: NAME}");
    }
  }
};
