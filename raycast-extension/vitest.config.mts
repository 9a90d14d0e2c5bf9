import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // @raycast/api exists only inside Raycast: tests get a recording stand-in.
    alias: { "@raycast/api": fileURLToPath(new URL("./test/support/raycast-api.ts", import.meta.url)) },
  },
});
