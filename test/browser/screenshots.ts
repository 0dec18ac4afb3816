/**
 * The screenshots in docs/ (docs/report.png, docs/explorer.png), taken by the browser-test harness
 * from real runs: `npx tsx test/browser/screenshots.ts runs/aae-2d` (the README's tour trains that
 * run). The report page is rewritten first, so the picture shows today's page.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { writeReport } from '../../src/cli/report.js';
import { startServer } from '../../src/cli/serve.js';
import { chromiumMissing, launch } from './chromium.js';

const [dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: npx tsx test/browser/screenshots.ts <run-dir>');
const missing = chromiumMissing();
if (missing !== undefined) throw new Error(missing);
const docs = fileURLToPath(new URL('../../docs/', import.meta.url));

const { context } = await launch();
try {
  const report = await context.newPage();
  await report.goto(pathToFileURL(writeReport(dir)).href);
  await report.waitForSelector('body[data-charts]', { timeout: 120_000 });
  await report.screenshot({ path: join(docs, 'report.png'), fullPage: true });

  const server = await startServer(dir, { port: 0 });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
    const box = await page.locator('#scatter svg').boundingBox();
    if (box !== null) {
      // Drag the point into the scatter, as a user would.
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.42, box.y + box.height * 0.38, { steps: 10 });
      await page.mouse.up();
      await page.waitForTimeout(500);
    }
    await page.screenshot({ path: join(docs, 'explorer.png') });
  } finally {
    await server.close();
  }
} finally {
  await context.close();
}
console.log(`wrote ${join(docs, 'report.png')} and ${join(docs, 'explorer.png')}`);
