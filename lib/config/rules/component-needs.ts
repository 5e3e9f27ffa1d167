/** A component that needs another's capability (cert-manager, a default StorageClass) only where a component before it provides it. */
import { CAPABILITIES } from "../../platform/component";
import { PLATFORM_COMPONENTS, enabledComponents } from "../../platform/components";
import { MeshRule, clustersOf } from "./rule";

export const componentNeeds: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    const on = enabledComponents(c.platform);
    on.forEach((component, i) => {
      for (const need of component.needs) {
        if (on.slice(0, i).some((before) => before.provides.includes(need))) continue;
        const providers = PLATFORM_COMPONENTS.filter((p) => (p as { provides?: readonly string[] }).provides?.includes(need)).map((p) => `platform.${p.key}`);
        err(
          `${path}.platform.${component.key}.enabled`,
          `${component.key} needs ${CAPABILITIES[need]}, and none of ${providers.join(", ")} is on`,
          `switch on ${providers.join(" or ")}, or set platform.${component.key}.enabled: false`,
        );
      }
    });
  }
};
