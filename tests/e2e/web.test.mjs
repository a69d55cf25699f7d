// The web front end as its users meet it, against a real `junheng serve` on the demo city
// (tests/e2e/run.sh starts both and sets the E2E_* variables). One browser, the tests in
// order: each page leaves a screenshot in $E2E_SHOTS.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, newPage, login, api, settled, shot, BASE } from './lib/browser.mjs';
import { readDemo } from './lib/demo-data.mjs';
import { formatIndicator, formatWithInterval, todayInShanghai } from '../../web/src/lib/format.js';

const CITY = { username: process.env.E2E_CITY_USER, password: process.env.E2E_CITY_PASSWORD };
const VILLAGE = { username: process.env.E2E_VILLAGE_USER, password: process.env.E2E_VILLAGE_PASSWORD };
const today = todayInShanghai();
const demo = readDemo(process.env.E2E_DEMO_FILES, today);

let browser;
let page;

async function cardText(key) {
  return (await page.locator(`[data-test=card-${key}] [data-test=card-value]`).innerText()).trim();
}

async function openDashboard(path = '/dashboard') {
  await page.goto(BASE + path);
  await settled(page);
}

before(async () => {
  browser = await launch();
  page = await newPage(browser);
});

after(async () => {
  if (browser) await browser.close();
});

describe('as the city administrator', () => {
  test('a visitor without a session lands on the login page; a wrong password says why', async () => {
    await page.goto(BASE + '/dashboard');
    await page.waitForURL(/\/login/);
    await shot(page, '01-login');
    await page.locator('[data-test=username]').fill(CITY.username);
    await page.locator('[data-test=password]').fill(CITY.password + '-wrong');
    await page.locator('[data-test=login]').click();
    const error = page.locator('[data-test=login-error]');
    await error.waitFor();
    assert.notEqual((await error.innerText()).trim(), '');
    await shot(page, '01-login-error');
  });

  test('logs in and sees the city overview', async () => {
    await login(page, CITY.username, CITY.password);
    await settled(page);
    await page.locator('[data-test=breadcrumb]').waitFor();
    const who = await page.locator('[data-test=who]').innerText();
    const session = await api(page, '/session');
    assert.equal(session.status, 200);
    assert.ok(who.includes(session.body.user.division.name), who);
    await page.locator('[data-test=county-map] canvas').first().waitFor();
    await shot(page, '02-dashboard-city');
  });

  test("the overview's cards equal the API's numbers for the same query", async () => {
    const cards = page.locator('[data-indicator]');
    const n = await cards.count();
    assert.equal(n, 6);
    for (let i = 0; i < n; i++) {
      const card = cards.nth(i);
      const indicator = await card.getAttribute('data-indicator');
      const from = await card.getAttribute('data-from');
      const to = await card.getAttribute('data-to');
      const division = await page.locator('.dashboard').getAttribute('data-division');
      const names = indicator === 'srb' ? 'srb,srb_lo,srb_hi' : indicator;
      const r = await api(page, `/indicators?division=${division}&from=${from}&to=${to}&by=whole&indicators=${names}`);
      assert.equal(r.status, 200);
      const cells = r.body.rows[0].indicators;
      const expected = indicator === 'srb'
        ? formatWithInterval(cells.srb.value, cells.srb_lo.value, cells.srb_hi.value, 1)
        : formatIndicator(indicator, cells[indicator].value);
      const shown = (await card.locator('[data-test=card-value]').innerText()).trim();
      assert.equal(shown, expected, `${indicator} ${from}..${to}`);
    }
  });

  test('drills down into a county and a township through the table', async () => {
    const link = page.locator('[data-test=children-table] .drill').first();
    const county = (await link.innerText()).trim();
    await link.click();
    await page.waitForURL(/\/dashboard\/\d{12}/);
    await settled(page);
    assert.ok((await page.locator('[data-test=breadcrumb]').innerText()).includes(county), county);
    assert.equal(await page.locator('[data-test=county-map]').count(), 0);
    await shot(page, '03-dashboard-county');
    const township = page.locator('[data-test=children-table] .drill').first();
    const townshipName = (await township.innerText()).trim();
    await township.click();
    await page.waitForURL((url) => url.pathname.endsWith('000') && !url.pathname.endsWith('000000'));
    await settled(page);
    const crumbs = await page.locator('[data-test=breadcrumb]').innerText();
    assert.ok(crumbs.includes(county) && crumbs.includes(townshipName), crumbs);
    await shot(page, '04-dashboard-township');
    // back up through the breadcrumb
    await page.locator('[data-test=breadcrumb] a', { hasText: county }).click();
    await page.waitForURL(/\/dashboard\/\d{6}000000/);
  });

  test('a birth registered through the form raises the births card by one', async () => {
    await openDashboard();
    const before = Number((await cardText('births')).replace(/,/g, ''));
    assert.ok(Number.isFinite(before));

    await page.goto(BASE + '/events');
    await page.locator('[data-test=birth-form]').waitFor();
    const division = await api(page, '/divisions/' + demo.mother.village);
    assert.equal(division.status, 200);
    await page.locator('[data-test=birth-form] [data-test=division-picker]').click();
    const path = division.body.path.filter((d) => d.level >= 2);
    for (let level = 0; level < path.length; level++) {
      await page.locator('.el-cascader-menu').nth(level).locator('.el-cascader-node', { hasText: path[level].name }).first().click();
    }
    await page.locator('[data-test=f-child-name]').fill('测试婴儿');
    await page.locator('[data-test=f-child-sex] .el-radio', { hasText: '女' }).click();
    await page.locator('[data-test=f-mother]').fill(demo.mother.person_id);
    await shot(page, '05-register-birth');
    await page.locator('[data-test=f-submit]').click();
    const success = page.locator('[data-test=event-success]');
    await success.waitFor();
    await shot(page, '06-register-birth-done');
    const child = (await success.locator('a').innerText()).trim();
    assert.ok(child.length > 0);

    let after = before;
    for (let attempt = 0; attempt < 10 && after !== before + 1; attempt++) {
      await openDashboard();
      after = Number((await cardText('births')).replace(/,/g, ''));
      if (after !== before + 1) await page.waitForTimeout(500);
    }
    assert.equal(after, before + 1);

    // the child's record shows the birth
    await page.goto(BASE + '/persons/' + encodeURIComponent(child));
    await page.locator('[data-test=timeline]').waitFor();
    assert.ok((await page.locator('[data-test=timeline]').innerText()).includes('出生'));
    await shot(page, '07-person-child');
  });

  test('finds the mother by her id and opens her record', async () => {
    await page.goto(BASE + '/persons');
    await page.locator('[data-test=person-q]').fill(demo.mother.person_id);
    await page.locator('[data-test=person-search]').click();
    const results = page.locator('[data-test=person-results]');
    await results.locator('.el-table__row').first().waitFor();
    assert.ok((await results.innerText()).includes(demo.mother.name));
    await shot(page, '08-person-search');
    await results.locator('.el-table__row').first().click();
    await page.locator('[data-test=person-card]').waitFor();
    assert.ok((await page.locator('[data-test=person-card]').innerText()).includes(demo.mother.name));
    await shot(page, '09-person-record');
  });

  test('imports a file, follows the job and shows the rejected rows with their reasons', async (t) => {
    const session = await api(page, '/session');
    if (!session.body.user.permissions.import_files) return t.skip('the city administrator may not import');
    const file = join(process.env.E2E_DIR, 'events.csv');
    writeFileSync(file, [
      'event_id,source,type,date,recorded_at,person_id,division,other_place,mother_id,father_id,birth_order,plurality,weight_g,gestation_weeks,spouse_id,cause,maternal',
      `E2E-BAD-1,manual,death,2024-02-30,2024-03-01T02:00:00Z,${demo.mother.person_id},${demo.mother.village},,,,,,,,,,`,
      `E2E-BAD-2,manual,move,2024-03-01,2024-03-01T02:00:00Z,E2E-NO-SUCH-PERSON,${demo.mother.village},,,,,,,,,,`,
    ].join('\n') + '\n');
    await page.goto(BASE + '/imports');
    await page.locator('[data-test=import-source]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '手工录入' }).click();
    await page.setInputFiles('[data-test=import-file]', file);
    await page.locator('[data-test=import-start]').click();
    const report = page.locator('[data-test=import-report]');
    await report.waitFor({ timeout: 30000 });
    assert.equal((await page.locator('[data-test=count-rejected] .count-value').innerText()).trim(), '2');
    const rejected = await page.locator('[data-test=rejected-rows]').innerText();
    assert.ok(rejected.includes('2') && rejected.includes('3'), rejected);
    await shot(page, '10-import-report');
  });

  test('data quality: completeness by month, and the quarantine for a reviewer', async () => {
    await page.goto(BASE + '/quality');
    await settled(page);
    await page.locator('[data-test=completeness-chart] canvas').first().waitFor();
    await shot(page, '11-quality');
    const session = await api(page, '/session');
    if (session.body.user.permissions.review) {
      await page.locator('.el-tabs__item', { hasText: '隔离区' }).click();
      await page.locator('[data-test=quarantine-table]').waitFor();
      await settled(page);
      await shot(page, '12-quality-quarantine');
      await page.locator('.el-tabs__item', { hasText: '冲突记录' }).click();
      await page.locator('[data-test=conflicts-table]').waitFor();
      await settled(page);
      await shot(page, '13-quality-conflicts');
    } else {
      assert.equal(await page.locator('.el-tabs__item', { hasText: '隔离区' }).count(), 0);
    }
  });

  test('the English switch changes the labels, and back', async () => {
    await openDashboard();
    await page.locator('[data-test=lang] .el-radio-button', { hasText: 'English' }).click();
    await page.locator('[data-test=nav-dashboard]', { hasText: 'Overview' }).waitFor();
    assert.ok((await page.locator('[data-test=card-births]').innerText()).includes('Births this year'));
    assert.ok((await page.locator('[data-test=logout]').innerText()).includes('Log out'));
    await settled(page);
    await shot(page, '14-dashboard-english');
    await page.locator('[data-test=lang] .el-radio-button', { hasText: '中文' }).click();
    await page.locator('[data-test=nav-dashboard]', { hasText: '概览' }).waitFor();
  });

  test('logs out', async () => {
    await page.locator('[data-test=logout]').click();
    await page.waitForURL(/\/login/);
    const session = await api(page, '/session');
    assert.equal(session.status, 401);
  });
});

describe('as a village worker', () => {
  test('sees only the pages the role allows', async () => {
    await login(page, VILLAGE.username, VILLAGE.password);
    await settled(page);
    const { permissions } = (await api(page, '/session')).body.user;
    const shown = async (key) => (await page.locator(`[data-test=nav-${key}]`).count()) > 0;
    assert.equal(await shown('persons'), !!permissions.read_persons);
    assert.equal(await shown('events'), !!permissions.write_events);
    assert.equal(await shown('imports'), !!permissions.import_files);
    await shot(page, '15-dashboard-village');
  });

  test("a person of another village is refused with the jurisdiction message", async () => {
    const { division } = (await api(page, '/session')).body.user;
    const stranger = demo.residentOutside(division);
    assert.ok(stranger, 'a resident outside ' + division.code);
    assert.equal((await api(page, '/persons/' + stranger.person_id)).status, 403);
    await page.goto(BASE + '/persons/' + stranger.person_id);
    const error = page.locator('[data-test=person-error]');
    await error.waitFor();
    assert.ok((await error.innerText()).includes('无权查看该人员'));
    assert.ok(!(await page.content()).includes(stranger.name));
    await shot(page, '16-person-forbidden');
  });
});
