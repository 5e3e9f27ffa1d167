import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "../helpers";

const { staleReferences } = require("../../scripts/check-references") as { staleReferences(root: string): string[] };

// npm run lint runs it over the repository; this shows that it can fail, and on what.
describe("check-references", () => {
  it("names every path in the docs and comments that does not exist, and every README section that is gone", () => {
    const root = scratchDir();
    const put = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    put("README.md", "# tool\n\n## Deploy\n");
    put(".gitignore", "/bench/results/\n");
    put(
      "lib/there.ts",
      [
        "// See lib/there.ts and docs/guide.md, not lib/gone.ts (README: Deploy).",
        // Joined at run time, so this file's own comment-like string is not a pointer.
        ['const code = "lib/gone.ts";', "//", "but here:", ["lib", "also-gone/"].join("/")].join(" "),
        "export {};",
      ].join("\n"),
    );
    put(
      "docs/guide.md",
      "# Guide\n\n## Pipeline\n\nRun `lib/there.ts`; results in `bench/results/latest.json`; the table is in __tests__/old.test.ts.\n" +
        "See README: Benchmark, README: deploy, docs/guide.md, *Pipeline* and (docs/guide.md, *Rollback*).\n",
    );
    put("CHANGELOG.md", "- removed lib/gone.ts\n");
    put("scripts/x.sh", "# reads lib/there.ts and proofs/missing.sh\necho lib/gone.ts\n");
    execFileSync("git", ["init", "-q"], { cwd: root });
    expect(staleReferences(root)).toEqual([
      "docs/guide.md:5: __tests__/old.test.ts does not exist",
      'docs/guide.md:6: the README has no section "Benchmark"',
      'docs/guide.md:6: docs/guide.md has no section "Rollback"',
      "lib/there.ts:1: lib/gone.ts does not exist",
      "lib/there.ts:2: lib/also-gone does not exist",
      "scripts/x.sh:1: proofs/missing.sh does not exist",
    ]);
  });
});
