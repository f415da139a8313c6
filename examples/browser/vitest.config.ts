import { defineConfig } from 'vitest/config'
import { playwright } from '@vitest/browser-playwright'
import { memoryBudget } from 'vitest-memory-budget'

// Browser mode as Vitest documents it, plus the plugin: the checks measure the page's own heap.
// Playwright's own Chromium needs nothing more; here Debian's is launched (CHROMIUM_PATH overrides
// where it is), as Playwright cannot download browsers on these machines.
export default defineConfig({
  plugins: [memoryBudget()],
  test: {
    include: ['*.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' } }),
      instances: [{ browser: 'chromium' }],
    },
  },
})
