/**
 * The viewer in a real browser: playwright-core driving Debian's chromium (installed by the test
 * set-up; the test skips with a message when it is absent), launched with the flags of issue #9 and
 * a fresh user-data-dir. Upload → prediction → Grad-CAM overlay visible; NIfTI slice picker; the
 * noisy quantum head; gallery filters; keyboard-only use. Screenshots go to test-artifacts/server/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeNifti } from './formats.js';
import { getJson, startTiny } from './helpers.js';
import { phantomImage } from './tiny-run.js';

const CHROMIUM =
  process.env.QMRI_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'server');

describe(
  'viewer in chromium',
  { skip: CHROMIUM ? false : 'chromium not installed (apt-get install chromium)' },
  () => {
    let srv: Awaited<ReturnType<typeof startTiny>>;
    let ctx: BrowserContext;
    let page: Page;
    let profile: string;
    let files: string;
    /** evaluates an expression in the page (this project's TypeScript has no DOM types) */
    const js = <T = string>(expr: string) => page.evaluate(expr) as Promise<T>;

    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      files = mkdtempSync(join(tmpdir(), 'qmri-browser-files-'));
      writeFileSync(join(files, 'slice.png'), await phantomImage('png', 128, 21));
      const vol = new Int16Array(64 * 64 * 6).map(
        (_, i) => ((i % 64) - 32) ** 2 + (Math.floor(i / 64) % 64) * 3,
      );
      writeFileSync(join(files, 'volume.nii.gz'), makeNifti(vol, 64, 64, 6, true));
      srv = await startTiny();
      profile = mkdtempSync(join(tmpdir(), 'qmri-chromium-profile-'));
      ctx = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: FLAGS,
        headless: true,
        viewport: { width: 1366, height: 900 },
      });
      page = ctx.pages()[0] ?? (await ctx.newPage());
      page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    });

    after(async () => {
      await ctx?.close();
      await srv?.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(files, { recursive: true, force: true });
    });

    test('upload a PNG: probabilities of both heads and a visible Grad-CAM overlay', async () => {
      await page.goto(srv.url);
      await page.waitForSelector('#run-info:has-text("heads: linear, quantum")');
      await page.setInputFiles('#file', join(files, 'slice.png'));
      await page.click('#analyse');
      await page.waitForSelector('#overlay-img:not([hidden])');
      await page.waitForFunction(`document.getElementById('overlay-img').complete`);
      const rows = await page.locator('#probs tbody tr th').allTextContents();
      assert.deepEqual(rows, ['backbone classifier', 'linear head (seed 0)', 'quantum head (seed 0)']);
      const cells = await page.locator('#probs tbody tr').first().locator('td').allTextContents();
      assert.equal(cells.length, 4);
      const sum = cells.reduce((a, c) => a + parseFloat(c), 0);
      assert.ok(Math.abs(sum - 100) < 0.5, `probabilities add up to ${sum}%`);
      const box = await page.locator('#overlay-img').boundingBox();
      assert.ok(box && box.width > 200, 'overlay drawn at a readable size');
      const natural = await js<number>(`document.getElementById('overlay-img').naturalWidth`);
      assert.equal(natural, 64);
      await page.fill('#opacity', '20');
      assert.equal(await js(`document.getElementById('overlay-img').style.opacity`), '0.2');
      assert.equal(await page.locator('#shap tbody tr').count(), 10, 'SHAP top features');
      assert.match(await page.locator('#audit').innerText(), /Grad-CAM and SHAP (agree|disagree)/);
      await page.selectOption('#layer', 'features.denseblock1');
      await page.click('#cam-go');
      await page.waitForSelector('#cam-caption:has-text("features.denseblock1")');
      await page.selectOption('#model', 'hybrid');
      await page.selectOption('#map', 'shapcam');
      await page.waitForSelector('#cam-caption:has-text("SHAP-CAM")');
      assert.match(await page.locator('#cam-caption').innerText(), /hybrid model \(quantum\)/);
      await page.fill('#opacity', '60');
      await page.screenshot({ path: join(ARTIFACTS, 'upload-gradcam.png'), fullPage: true });
    });

    test('noisy quantum head and circuit diagram', async () => {
      await page.selectOption('#profile', 'eagle');
      await page.fill('#shots', '500');
      await page.click('#quantum-go');
      await page.waitForSelector('#quantum-out table');
      const names = await page.locator('#quantum-out tbody th').allTextContents();
      assert.deepEqual(names, ['quantum head, exact', 'quantum head, eagle, 500 shots']);
      const w = await js<number>(`document.getElementById('circuit-img').naturalWidth`);
      assert.ok(w > 100, 'circuit SVG loaded');
      await page.locator('#quantum').screenshot({ path: join(ARTIFACTS, 'quantum.png') });
    });

    test('NIfTI volume: the slice picker shows and changes the slice', async () => {
      await page.setInputFiles('#file', join(files, 'volume.nii.gz'));
      await page.click('#analyse');
      await page.waitForSelector('#slice-picker:not([hidden])');
      await page.waitForSelector('#case-title:has-text("slice 3 of 6")');
      await page.fill('#slice', '5');
      await page.click('#slice-go');
      await page.waitForSelector('#case-title:has-text("slice 5 of 6")');
      await page.waitForSelector('#overlay-img:not([hidden])');
      await page.screenshot({ path: join(ARTIFACTS, 'nifti-slice.png') });
    });

    test('gallery filters and opening a test case', async () => {
      const all = await page.locator('#gallery li button').count();
      assert.equal(all, 8);
      await page.check('#f-flag');
      assert.equal(await page.locator('#gallery li button').count(), 1);
      await page.uncheck('#f-flag');
      await page.check('#f-mis');
      const g = await getJson(`${srv.url}api/gallery`);
      const mis = g.items.filter((i: { misclassified: boolean }) => i.misclassified).length;
      assert.equal(await page.locator('#gallery li button').count(), mis || 0);
      await page.uncheck('#f-mis');
      await page.locator('#gallery li button').nth(2).click();
      await page.waitForSelector('#case-title:has-text("notumor-2.png")');
      await page.locator('#gallery').screenshot({ path: join(ARTIFACTS, 'gallery.png') });
    });

    test('keyboard only: tab order reaches the upload controls, Enter analyses, arrows move the slider', async () => {
      await page.goto(srv.url);
      await page.waitForSelector('#run-info:has-text("heads:")');
      await page.keyboard.press('Tab');
      assert.equal(await js(`document.activeElement.className`), 'skip');
      await page.keyboard.press('Tab');
      assert.equal(await js(`document.activeElement.id`), 'file');
      await page.setInputFiles('#file', join(files, 'slice.png'));
      await page.keyboard.press('Tab');
      assert.equal(await js(`document.activeElement.id`), 'analyse');
      const outline = await js(`getComputedStyle(document.getElementById('analyse')).outlineStyle`);
      assert.equal(outline, 'solid', 'visible focus ring');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#overlay-img:not([hidden])');
      await page.focus('#opacity');
      const before = await js(`document.getElementById('opacity').value`);
      await page.keyboard.press('ArrowLeft');
      const after = await js(`document.getElementById('opacity').value`);
      assert.equal(Number(after), Number(before) - 1);
      const unlabeled = await js<string[]>(
        `[...document.querySelectorAll('input, select')].filter((e) => !(e.id && document.querySelector('label[for="' + e.id + '"]'))).map((e) => e.id || e.outerHTML)`,
      );
      assert.deepEqual(unlabeled, [], 'every control has a label');
      await page.screenshot({ path: join(ARTIFACTS, 'keyboard.png') });
    });
  },
);
