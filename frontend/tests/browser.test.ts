// The UI in a real browser against a real server (tests/harness.ts): sign-in, the grid, product
// and model pages, quality, settings, languages and roles, as a catalog manager, an
// administrator and a translator would use them. Screenshots of each screen go to
// target/screenshots/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  ADMIN_PASSWORD, DEMO_PASSWORD, api, consoleErrors, sent, shot, skus, start, stop, waitForGrid, waitForPrefix,
} from './harness';
import { operations, problems, schema } from './operations';

const MANAGER = 'manager@demo.pim.local';
const PRODUCT = 'CF-YIRGA-250-B';

let page: Page;
let base: string;

before(async () => {
  ({ page, base } = await start());
});

after(stop);

test('sign in: a wrong password is refused, the right one opens the grid', async (t) => {
  await page.goto(`${base}/`);
  await page.getByLabel('E-mail').waitFor();
  // Reported, not asserted (no timed assertions): the first screen's time from navigation start.
  const firstScreen = await page.evaluate(() => Math.round(performance.now()));
  t.diagnostic(`sign-in form usable ${firstScreen} ms after navigation start`);
  await page.getByLabel('E-mail').fill(MANAGER);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
  await shot('01-sign-in');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  const started = Date.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Products' }).waitFor();
  await waitForGrid();
  await page.locator('table.products tbody tr').first().waitFor();
  t.diagnostic(`grid with 50 products shown ${Date.now() - started} ms after sign-in was clicked`);
  await page.getByText('361 products').waitFor();
  assert.equal(new URL(page.url()).pathname, '/products');
  assert.equal((await skus()).length, 50);
  await shot('02-grid');
});

test('grid: search words, filter by a facet, page with cursors, keyboard', async () => {
  await page.getByRole('combobox', { name: /^Channel/ }).selectOption('webshop');
  await page.getByLabel('Content locale').selectOption('en_US');
  await waitForGrid();
  await page.locator('body').press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'search');
  await page.keyboard.type('CF-');
  await waitForPrefix('CF-');
  const found = await skus();
  assert.ok(found.length > 0 && found.every((s) => s.startsWith('CF-')), found.join(','));
  // Words: the matched ones are highlighted under the label.
  await page.getByLabel('Search products').fill('yirgacheffe');
  await page.locator('tr[data-sku^="CF-YIRGA"] .snippet b').first().waitFor();
  assert.match((await page.locator('tr[data-sku^="CF-YIRGA"] .snippet b').first().textContent()) ?? '', /yirgacheffe/i);
  await page.getByLabel('Search products').fill('');
  await page.getByText('361 products').waitFor();

  const tea = page.locator('fieldset.facet', { hasText: 'Family' }).locator('label', { hasText: 'Tea' });
  const count = Number(await tea.locator('.count').textContent());
  await tea.getByRole('checkbox').check();
  await page.getByText(`${count} products`).waitFor();
  await waitForGrid();
  const families = await page.locator('table.products tbody tr td:nth-child(4)').allTextContents();
  assert.equal(families.length, Math.min(count, 50));
  assert.ok(families.every((f) => f === 'Tea'), families.join(','));
  await shot('03-grid-filtered');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByText('361 products').waitFor();
  await waitForGrid();

  // Completeness bands of the chosen channel and locale: the complete ones only.
  const complete = page.locator('fieldset.facet', { hasText: 'Completeness' }).locator('label', { hasText: '100 %' });
  const completeCount = Number(await complete.locator('.count').textContent());
  assert.ok(completeCount > 0 && completeCount < 361, String(completeCount));
  await complete.getByRole('checkbox').check();
  await page.getByText(`${completeCount} products`, { exact: true }).waitFor();
  await waitForGrid();
  const badges = await page.locator('table.products tbody tr .badge').allTextContents();
  assert.ok(badges.length > 0 && badges.every((b) => b === '100%'), badges.join(','));
  await shot('03c-grid-complete');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByText('361 products').waitFor();
  await waitForGrid();

  // The column chooser adds a column (remembered), Escape closes it.
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('group', { name: 'Choose columns' }).getByLabel('Brand', { exact: true }).check();
  await page.getByRole('columnheader', { name: 'Brand' }).waitFor();
  await shot('03b-grid-columns');
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('group', { name: 'Choose columns' }).count(), 0);

  // Pages come one at a time, after the cursor of the last.
  const first = await skus();
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Page 2', { exact: true }).waitFor();
  await waitForGrid();
  const second = await skus();
  assert.equal(second.length, 50);
  assert.ok(second.every((s) => !first.includes(s)), 'page 2 repeats page 1');
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByText('Page 1', { exact: true }).waitFor();

  // Sorting by SKU, descending on the second click.
  await page.getByRole('button', { name: /^SKU/ }).click();
  await waitForGrid();
  await page.locator('th[aria-sort="ascending"]').waitFor();
  const ascending = await skus();
  assert.deepEqual(ascending, ascending.slice().sort());

  // Keyboard: the first row, down one, Enter opens it.
  await page.locator('table.products tbody tr').first().focus();
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-sku'));
  assert.equal(focused, ascending[1]);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: new RegExp(ascending[1]) }).waitFor();
  assert.equal(decodeURIComponent(new URL(page.url()).pathname), `/products/${ascending[1]}`);
  await page.goBack();
  await waitForGrid();
});

test('mass edit: disable two selected products, then enable them again', async () => {
  await page.getByLabel('Search products').fill('CF-');
  await waitForPrefix('CF-');
  const [a, b] = await skus();
  await page.getByLabel(`Select ${a}`).check();
  await page.getByLabel(`Select ${b}`).check();
  await page.getByText('2 selected').waitFor();
  await page.getByLabel('Action').selectOption('disable');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('2 updated, 0 unchanged, 0 rejected').waitFor();
  await shot('04-mass-edit');
  await page.locator(`tr[data-sku="${a}"] td`, { hasText: 'Disabled' }).waitFor();
  await page.getByLabel('Action').selectOption('enable');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('2 updated, 0 unchanged, 0 rejected').waitFor();
  await page.getByLabel('Action').selectOption('value');
  await page.getByLabel(/^Attribute/).selectOption('organic');
  await page.locator('#mass-value').check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText(/\d+ updated, \d+ unchanged, 0 rejected/).waitFor();
  for (const sku of [a, b]) {
    const organic = (await api('query ($sku: String!) { product(sku: $sku) { values(attributes: ["organic"]) { data } } }', { sku })).product;
    assert.deepEqual(organic.values.map((v: { data: unknown }) => v.data), [true], sku);
  }
  await page.getByLabel('Action').selectOption('category');
  await page.getByLabel(/^Category/).selectOption('gift_ideas');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('2 updated, 0 unchanged, 0 rejected').waitFor();
  await page.getByRole('button', { name: 'Clear selection' }).click();
  // Both now sit in gift_ideas besides their own categories.
  await page.goto(`${base}/products/${a}`);
  await page.locator('.chips li', { hasText: 'Gift ideas' }).waitFor();
  await page.locator('.chips li', { hasText: 'Coffee' }).first().waitFor();
  await page.goBack();
  await waitForGrid();
  await page.getByLabel('Search products').fill('');
});

test('new product: a refused SKU says why; a good one opens its page; delete it', async () => {
  await page.goto(`${base}/products`);
  await page.getByRole('button', { name: 'New product' }).click();
  const form = page.locator('form[aria-labelledby="new-product-title"]');
  await form.getByLabel('SKU', { exact: true }).fill('BAD SKU');
  await form.getByLabel(/^Family/).selectOption('tea');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('alert').filter({ hasText: 'Uppercase letters, digits and dashes' }).waitFor();
  await form.getByLabel('SKU', { exact: true }).fill('UI-NEW-TEA');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: /UI-NEW-TEA/ }).waitFor();
  await page.getByLabel(/^Name/).fill('Sencha from the UI test');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('button', { name: 'Delete UI-NEW-TEA for good' }).click();
  await page.getByRole('heading', { name: 'Products' }).waitFor();
  await page.goto(`${base}/products/UI-NEW-TEA`);
  await page.getByText('No product UI-NEW-TEA.').waitFor();
});

test('product page: edit the name in two locales, saved and still there after reload', async () => {
  await page.goto(`${base}/products/${PRODUCT}`);
  await page.getByRole('heading', { name: new RegExp(PRODUCT) }).waitFor();
  await page.getByLabel('Content locale').selectOption('en_US');
  await page.getByLabel(/^Name/).fill('Yirgacheffe, edited in English');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

  await page.getByLabel('Content locale').selectOption('pl_PL');
  await page.locator('.field[data-attribute="name"] .scope', { hasText: 'pl_PL' }).waitFor();
  await page.getByLabel(/^Name/).fill('Yirgacheffe, po polsku');
  // Saved from the keyboard, without leaving the field.
  await page.keyboard.press('Control+s');
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

  await page.reload();
  await page.getByRole('heading', { name: new RegExp(PRODUCT) }).waitFor();
  assert.equal(await page.getByLabel(/^Name/).inputValue(), 'Yirgacheffe, po polsku');
  await page.getByLabel('Content locale').selectOption('en_US');
  await page.locator('.field[data-attribute="name"] .scope', { hasText: 'en_US' }).waitFor();
  await page.getByRole('heading', { name: /Yirgacheffe, edited in English/ }).waitFor();
  assert.equal(await page.getByLabel(/^Name/).inputValue(), 'Yirgacheffe, edited in English');
  // The history shows both edits.
  await page.locator('.history .after', { hasText: 'Yirgacheffe, po polsku' }).waitFor();
  await page.locator('.history .after', { hasText: 'Yirgacheffe, edited in English' }).waitFor();
  await shot('05-product');
});

test('product page: a refused value shows the server error next to its field', async () => {
  await page.getByLabel('EAN', { exact: true }).fill('12345');
  await page.getByRole('button', { name: 'Save' }).click();
  const error = page.locator('.field[data-attribute="ean"] .field-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /EAN-13: 13 digits/);
  assert.equal(await page.getByLabel('EAN', { exact: true }).getAttribute('aria-invalid'), 'true');
  await shot('06-product-validation');
  await page.reload();
  await page.getByRole('heading', { name: new RegExp(PRODUCT) }).waitFor();
  assert.notEqual(await page.getByLabel('EAN', { exact: true }).inputValue(), '12345');
});

test('product page: rich text from elsewhere is shown without running anything in it', async () => {
  const hostile = '<p>Frisch <b>geröstet</b></p><img src=x onerror="window.__injected = 1"><script>window.__injected = 2</script>';
  await api('mutation ($input: ProductInput!) { upsertProduct(input: $input) { version } }', {
    input: { sku: PRODUCT, values: [{ attribute: 'description', locale: 'de_DE', channel: 'webshop', data: hostile }] },
  });
  await page.getByLabel('Content locale').selectOption('de_DE');
  const editor = page.getByRole('textbox', { name: 'Description' });
  await editor.getByText('geröstet').waitFor();
  assert.equal(await editor.locator('img, script').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected), undefined);
  await page.getByLabel('Content locale').selectOption('en_US');
  await page.locator('.field[data-attribute="name"] .scope', { hasText: 'en_US' }).waitFor();
});

test('product page: an uploaded image is previewed, saved and shown again after reload', async () => {
  // A 600×600 PNG drawn by the browser itself.
  const png = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 600;
    canvas.height = 600;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#6f4e37';
    g.fillRect(0, 0, 600, 600);
    g.fillStyle = '#f5deb3';
    g.fillRect(150, 150, 300, 300);
    return canvas.toDataURL('image/png').split(',')[1];
  });
  await page.getByLabel('Upload a file for Main image').setInputFiles({
    name: 'yirgacheffe.png',
    mimeType: 'image/png',
    buffer: Buffer.from(png, 'base64'),
  });
  await page.getByRole('img', { name: 'yirgacheffe.png' }).waitFor();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await page.reload();
  const image = page.getByRole('img', { name: 'yirgacheffe.png' });
  await image.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('img.thumb');
    return img?.complete && img.naturalWidth > 0;
  });
  await shot('06b-product-image');
  // In the grid, an image column shows the thumbnail.
  await page.goto(`${base}/products`);
  await page.getByLabel('Search products').fill(PRODUCT);
  await waitForPrefix(PRODUCT);
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('group', { name: 'Choose columns' }).getByLabel('Main image', { exact: true }).check();
  await page.keyboard.press('Escape');
  await page.getByRole('img', { name: `Main image ${PRODUCT}` }).waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('img.grid-thumb');
    return img?.complete && img.naturalWidth > 0;
  });
  await page.goto(`${base}/products/${PRODUCT}`);
  await page.getByRole('heading', { name: new RegExp(PRODUCT) }).waitFor();
});

/** A PNG of `size`×`size` px drawn by the browser itself, in one colour. */
async function drawPng(fill: string, size = 600): Promise<Buffer> {
  const data = await page.evaluate(([f, s]) => {
    const canvas = document.createElement('canvas');
    canvas.width = s;
    canvas.height = s;
    const g = canvas.getContext('2d')!;
    g.fillStyle = f;
    g.fillRect(0, 0, s, s);
    return canvas.toDataURL('image/png').split(',')[1];
  }, [fill, size] as const);
  return Buffer.from(data, 'base64');
}

test('product page: images move between the image attributes of the family, the main image first', async () => {
  // Each image attribute holds one image: a second one for coffee, as a catalog manager would add it.
  await api('mutation { saveAttribute(input: { code: "back_image", type: IMAGE, group: "media", sortOrder: 5, labels: [{ locale: "en_US", value: "Back image" }] }) { code } }');
  const coffee = (await api('query { family(code: "coffee") { labels { locale value } attributes { code } labelAttribute imageAttribute requirements { channel attributes { code } } } }')).family;
  await api('mutation ($input: FamilyInput!) { saveFamily(input: $input) { code } }', {
    input: {
      code: 'coffee',
      labels: coffee.labels,
      attributes: [...coffee.attributes.map((a: { code: string }) => a.code), 'back_image'],
      labelAttribute: coffee.labelAttribute,
      imageAttribute: coffee.imageAttribute,
      requirements: coffee.requirements.map((r: { channel: string; attributes: { code: string }[] }) => ({
        channel: r.channel, attributes: r.attributes.map((a) => a.code),
      })),
    },
  });
  await page.reload();
  await page.getByRole('heading', { name: new RegExp(PRODUCT) }).waitFor();
  const order = () => page.locator('.gallery .gallery-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-image')));
  assert.deepEqual(await order(), ['main_image', 'back_image']);
  await page.locator('.gallery-item[data-image="main_image"] .main-badge').waitFor();
  await page.getByLabel('Upload a file for Back image').setInputFiles({ name: 'back.png', mimeType: 'image/png', buffer: await drawPng('#335577') });
  await page.getByRole('img', { name: 'back.png' }).waitFor();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const images = async () => Object.fromEntries(
    (await api(`query { product(sku: "${PRODUCT}") { values(attributes: ["main_image", "back_image"]) { attribute data } } }`))
      .product.values.map((v: { attribute: string; data: string }) => [v.attribute, v.data]));
  const before = await images();
  assert.ok(before.main_image && before.back_image && before.main_image !== before.back_image);
  // The back image becomes the main one: the two values swap, shown before saving.
  await page.getByRole('button', { name: 'Make the image of Back image the main image' }).click();
  await page.locator('.gallery-item[data-image="main_image"]').getByRole('img', { name: 'back.png' }).waitFor();
  await page.locator('.gallery-item[data-image="back_image"]').getByRole('img', { name: 'yirgacheffe.png' }).waitFor();
  await shot('06e-product-images');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  assert.deepEqual(await images(), { main_image: before.back_image, back_image: before.main_image });
  // And back with the arrow.
  await page.getByRole('button', { name: 'Move Back image earlier' }).click();
  await page.locator('.gallery-item[data-image="main_image"]').getByRole('img', { name: 'yirgacheffe.png' }).waitFor();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  assert.deepEqual(await images(), before);
});

test('product page: associations as SKU lists; an unknown SKU shows the server error next to its type', async () => {
  await page.locator('.association[data-type="upsell"] .chips a', { hasText: 'CF-YIRGA-1000-B' }).waitFor();
  const crossSell = page.getByLabel('SKUs of Cross-sell');
  assert.equal(await crossSell.inputValue(), 'CF-TASTING-SET');
  await crossSell.fill('CF-TASTING-SET, NO-SUCH-SKU');
  await page.getByRole('button', { name: 'Save' }).click();
  const error = page.locator('.association[data-type="cross_sell"] .field-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /NO-SUCH-SKU/);
  assert.equal(await crossSell.getAttribute('aria-invalid'), 'true');
  await shot('06f-product-associations-error');
  await crossSell.fill('CF-TASTING-SET CF-HUILA-250-B');
  await page.getByLabel('SKUs of Pack').fill('CF-KENYA-250-B');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await page.locator('.association[data-type="cross_sell"] .chips a', { hasText: 'CF-HUILA-250-B' }).waitFor();
  const associations = async () => Object.fromEntries(
    (await api(`query { product(sku: "${PRODUCT}") { associations { type skus } } }`))
      .product.associations.map((a: { type: string; skus: string[] }) => [a.type, a.skus]));
  assert.deepEqual(await associations(), {
    cross_sell: ['CF-HUILA-250-B', 'CF-TASTING-SET'], pack: ['CF-KENYA-250-B'], upsell: ['CF-YIRGA-1000-B'],
  });
  await shot('06g-product-associations');
  // An emptied list removes its type.
  await page.getByLabel('SKUs of Pack').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  assert.deepEqual(Object.keys(await associations()).sort(), ['cross_sell', 'upsell']);
});

test('server errors next to a field: a generic message in the UI language, the English text beneath', async () => {
  await page.getByLabel('Interface language').selectOption('pl');
  await page.locator('.field[data-attribute="ean"] input').fill('12345');
  await page.locator('form.product button[type="submit"]').click();
  const ean = page.locator('.field[data-attribute="ean"] .field-error');
  await ean.locator('.generic', { hasText: 'Wartość została odrzucona.' }).waitFor();
  assert.match((await ean.locator('.server-text').textContent()) ?? '', /EAN-13: 13 digits/);
  assert.equal(await ean.locator('.server-text').getAttribute('lang'), 'en');
  assert.equal(await ean.getAttribute('data-code'), 'VALIDATION');
  await shot('06h-product-error-pl');
  await page.getByLabel('Język interfejsu').selectOption('ru');
  await ean.locator('.generic', { hasText: 'Значение отклонено.' }).waitFor();
  await page.getByLabel('Язык интерфейса').selectOption('zh');
  await ean.locator('.generic', { hasText: '该值被拒绝。' }).waitFor();
  // An unknown associated SKU: NOT_FOUND.
  await page.reload();
  await page.getByRole('heading', { name: new RegExp(PRODUCT) }).waitFor();
  await page.locator('#association-cross_sell').fill('CF-TASTING-SET, NO-SUCH-SKU');
  await page.locator('form.product button[type="submit"]').click();
  const association = page.locator('.association[data-type="cross_sell"] .field-error');
  await association.locator('.generic', { hasText: '所引用的对象不存在。' }).waitFor();
  assert.match((await association.locator('.server-text').textContent()) ?? '', /NO-SUCH-SKU/);
  assert.equal(await association.getAttribute('data-code'), 'NOT_FOUND');
  await shot('06i-product-error-zh');
  // In English the server's text says it all.
  await page.getByLabel('界面语言').selectOption('en');
  await page.getByRole('link', { name: 'Products', exact: true }).waitFor();
  assert.equal(await association.locator('.generic').count(), 0);
  assert.match((await association.textContent()) ?? '', /NO-SUCH-SKU/);
  await page.reload();
  await page.getByRole('heading', { name: new RegExp(PRODUCT) }).waitFor();
});

test('product page: a variant shows inherited values as such, and its siblings', async () => {
  await page.goto(`${base}/products/TS-CLASSIC-WHITE-M`);
  await page.getByRole('heading', { name: /TS-CLASSIC-WHITE-M/ }).waitFor();
  const name = page.getByLabel(/^Name/);
  assert.equal(await name.isDisabled(), true);
  await page.locator('.field[data-attribute="name"] .inherited-note', { hasText: 'Inherited from' }).waitFor();
  await page.getByRole('link', { name: 'TS-CLASSIC-WHITE-L', exact: true }).waitFor();
  await shot('06c-product-variant');
});

test('product model: a value edited on the model is what its variants inherit', async () => {
  await page.locator('.field[data-attribute="name"] .inherited-note').getByRole('link', { name: 'tshirt_classic' }).click();
  await page.getByRole('heading', { name: 'Product model tshirt_classic' }).waitFor();
  await page.getByLabel(/^Name/).fill('Classic crew-neck T-shirt, organic');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await page.locator('.history .after', { hasText: 'Classic crew-neck T-shirt, organic' }).waitFor();
  await shot('06d-product-model');
  await page.getByRole('link', { name: 'tshirt_classic_white', exact: true }).click();
  await page.getByRole('heading', { name: 'Product model tshirt_classic_white' }).waitFor();
  await page.getByRole('link', { name: 'TS-CLASSIC-WHITE-M', exact: true }).click();
  await page.getByRole('heading', { name: /TS-CLASSIC-WHITE-M/ }).waitFor();
  assert.equal(await page.getByLabel(/^Name/).inputValue(), 'Classic crew-neck T-shirt, organic');
});

test('quality dashboard: completeness per channel and locale, missing attributes, rules', async () => {
  await page.getByRole('link', { name: 'Quality' }).click();
  await page.getByRole('heading', { name: 'Data quality' }).waitFor();
  const chart = page.getByRole('img', { name: 'Completeness per channel and locale' });
  await chart.waitFor();
  // webshop has five locales, google_shopping and allegro one each.
  assert.equal(await chart.locator('g').count(), 7);
  await page.getByRole('img', { name: 'Most missing attributes' }).waitFor();
  await shot('07-quality');
  // Narrowed to one family: fewer products.
  await page.getByText('361 products ·').waitFor();
  await page.getByLabel('Family').selectOption('coffee');
  await page.getByText('21 products ·').waitFor();
  await page.getByLabel(/^Family/).selectOption('');
  await page.getByLabel(/^Category/).selectOption('books');
  await page.getByText('36 products ·').waitFor();
});

test('settings: attributes, families, categories, channels', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Catalog settings' }).waitFor();
  // Relabel an attribute: its constraints survive the save, which replaces the attribute.
  const constraints = 'query { attribute(code: "arabica_share") { labels { locale value } constraints { min max decimalsAllowed } } }';
  const before = (await api(constraints)).attribute;
  await page.getByRole('button', { name: 'arabica_share', exact: true }).click();
  await page.getByLabel('Label (de_DE)').fill('Arabica-Anteil in Prozent');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const afterSave = (await api(constraints)).attribute;
  assert.deepEqual(afterSave.constraints, before.constraints);
  assert.ok(afterSave.labels.some((l: { locale: string; value: string }) => l.value === 'Arabica-Anteil in Prozent'));
  await shot('08-settings-attributes');
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('link', { name: 'Families' }).click();
  await page.getByLabel('name required in webshop').first().waitFor();
  // Require the EAN of coffee on Allegro, and add an attribute to the family.
  await page.getByRole('combobox', { name: /^Families/ }).selectOption('coffee');
  await page.getByLabel('ean required in allegro').check();
  await page.getByRole('combobox', { name: /^Add an attribute/ }).selectOption('vegan');
  await page.getByRole('button', { name: 'Add', exact: true }).first().click();
  await page.getByLabel('vegan required in webshop').waitFor();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const coffee = (await api('query { family(code: "coffee") { attributes { code } requirements { channel attributes { code } } } }')).family;
  assert.ok(coffee.attributes.some((a: { code: string }) => a.code === 'vegan'));
  const allegro = coffee.requirements.find((r: { channel: string }) => r.channel === 'allegro');
  assert.ok(allegro.attributes.some((a: { code: string }) => a.code === 'ean'));
  await shot('09-settings-families');
  await page.getByRole('link', { name: 'Family variants' }).click();
  await page.getByRole('cell', { name: 'tshirts_color_size', exact: true }).waitFor();
  const variantForm = page.locator('form[aria-labelledby="new-variant"]');
  await variantForm.getByLabel('Code').fill('coffee_by_form');
  await variantForm.getByRole('combobox', { name: /^Families/ }).selectOption('coffee');
  await variantForm.getByRole('listbox', { name: 'Level 1: axes' }).selectOption(['coffee_form']);
  await variantForm.getByRole('listbox', { name: 'Level 1: attributes' }).selectOption(['ean', 'net_weight']);
  await variantForm.getByRole('button', { name: 'Add' }).click();
  await page.getByRole('cell', { name: 'coffee_by_form', exact: true }).first().waitFor();
  await shot('09b-settings-family-variants');
  await page.getByRole('link', { name: 'Categories' }).click();
  await page.getByRole('tree').waitFor();
  await shot('10-settings-categories');
  // Move a category with the keyboard-friendly picker (the same save as drag and drop).
  await page.getByRole('button', { name: 'New parent of eco_friendly' }).click();
  await page.getByRole('combobox', { name: 'New parent of eco_friendly' }).selectOption('bestsellers');
  await page.locator('li[role="treeitem"][aria-level="3"]', { hasText: 'eco_friendly' }).waitFor();
  await page.getByRole('button', { name: 'New parent of eco_friendly' }).click();
  await page.getByRole('combobox', { name: 'New parent of eco_friendly' }).selectOption('collections');
  await page.locator('li[role="treeitem"][aria-level="2"]', { hasText: 'eco_friendly' }).waitFor();
  // And by dragging: home_office onto gift_ideas.
  await page.locator('li[role="treeitem"]', { hasText: 'home_office' })
    .dragTo(page.locator('li[role="treeitem"]', { hasText: 'gift_ideas' }).first());
  await page.locator('li[role="treeitem"][aria-level="3"]', { hasText: 'home_office' }).waitFor();
  const moved = (await api('query { category(code: "home_office") { path } }')).category;
  assert.deepEqual(moved.path, ['collections', 'gift_ideas', 'home_office']);
  await page.getByRole('link', { name: 'Channels' }).click();
  await page.getByRole('rowheader', { name: /google_shopping/ }).waitFor();
  // Users and tokens are for administrators only.
  assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
});

test('settings: attribute options — labels in every locale, a new option, its place, deletion', async () => {
  await page.getByRole('link', { name: 'Attributes' }).click();
  const colorRow = page.locator('table.list tbody tr', { has: page.getByRole('button', { name: 'color', exact: true }) });
  await colorRow.getByRole('button', { name: /^Edit/ }).click();
  const editor = page.locator('section.options-editor');
  await editor.getByLabel('Label (pl_PL) of option grey').fill('Szary (popielaty)');
  await editor.getByRole('button', { name: 'Save option grey' }).click();
  await editor.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  type Opt = { code: string; sortOrder: number; labels: { locale: string; value: string }[] };
  const options = async (): Promise<Opt[]> =>
    (await api('query { attribute(code: "color") { options { code sortOrder labels { locale value } } } }')).attribute.options;
  const grey = (await options()).find((o) => o.code === 'grey')!;
  assert.ok(grey.labels.some((l) => l.locale === 'pl_PL' && l.value === 'Szary (popielaty)'));
  assert.ok(grey.labels.some((l) => l.locale === 'en_US' && l.value === 'Grey'), 'the other labels are kept');
  // An existing code is not overwritten by a new option.
  await editor.getByLabel('New option code').fill('grey');
  await editor.getByRole('button', { name: 'Add', exact: true }).click();
  await editor.getByRole('alert').filter({ hasText: 'grey exists already' }).waitFor();
  // A new option comes last; moved up one place.
  await editor.getByLabel('New option code').fill('teal');
  await editor.getByLabel('Label (en_US)', { exact: true }).fill('Teal');
  await editor.getByRole('button', { name: 'Add', exact: true }).click();
  await editor.locator('tr[data-option="teal"]').waitFor();
  const shown = () => editor.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-option')));
  assert.equal((await shown()).at(-1), 'teal');
  await editor.getByRole('button', { name: 'Move option teal up' }).click();
  await page.waitForFunction(() => {
    const rows = Array.from(document.querySelectorAll('section.options-editor tbody tr'));
    return rows.at(-2)?.getAttribute('data-option') === 'teal';
  });
  const stored = (await options()).slice().sort((a, b) => a.sortOrder - b.sortOrder).map((o) => o.code);
  assert.deepEqual(stored, await shown());
  assert.equal(stored.at(-2), 'teal');
  await shot('08b-settings-attribute-options');
  // Deleting asks for a second click, which says how many products have the option (the API
  // refuses to delete an option in use).
  await editor.getByRole('button', { name: 'Delete option white' }).click();
  await editor.getByRole('button', { name: /^Delete white for good \(\d+ products have it\)$/ }).waitFor();
  await editor.getByRole('button', { name: 'Delete option teal' }).click();
  await editor.getByRole('button', { name: 'Delete teal for good' }).click();
  await editor.locator('tr[data-option="teal"]').waitFor({ state: 'detached' });
  assert.ok(!(await options()).some((o) => o.code === 'teal'));
});

test('settings: an existing family variant edited (labels, level attributes); one in use cannot be deleted', async () => {
  await page.getByRole('link', { name: 'Family variants' }).click();
  await page.getByRole('button', { name: 'coffee_by_form', exact: true }).click();
  const form = page.locator('form[aria-labelledby="edit-variant-coffee_by_form"]');
  // The API keeps the family and axes of an existing variant: shown, not editable.
  assert.equal(await form.getByRole('listbox', { name: 'Level 1: axes' }).isDisabled(), true);
  assert.equal(await form.getByRole('combobox', { name: /^Families/ }).isDisabled(), true);
  await form.getByLabel('Label (de_DE)').fill('Kaffee nach Form');
  await form.getByRole('listbox', { name: 'Level 1: attributes' }).selectOption(['ean', 'net_weight', 'organic']);
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const variant = (await api('query { familyVariant(code: "coffee_by_form") { labels { locale value } levels { axes { code } attributes { code } } } }')).familyVariant;
  assert.ok(variant.labels.some((l: { locale: string; value: string }) => l.locale === 'de_DE' && l.value === 'Kaffee nach Form'));
  assert.deepEqual(variant.levels[0].axes.map((a: { code: string }) => a.code), ['coffee_form']);
  assert.deepEqual(variant.levels[0].attributes.map((a: { code: string }) => a.code).sort(), ['coffee_form', 'ean', 'net_weight', 'organic', 'sku']);
  await page.locator('tr[data-variant="coffee_by_form"] li', { hasText: 'organic' }).waitFor();
  await shot('09c-settings-family-variant-edit');
  await form.getByRole('button', { name: 'Close' }).click();
  // Product models use tshirts_color_size: the API refuses, and says why.
  await page.getByRole('button', { name: 'tshirts_color_size', exact: true }).click();
  const tshirts = page.locator('form[aria-labelledby="edit-variant-tshirts_color_size"]');
  // An attribute set at two levels: refused, the error next to the level that repeats it.
  await tshirts.getByRole('listbox', { name: 'Level 1: attributes' }).selectOption(['main_image', 'ean']);
  await tshirts.getByRole('button', { name: 'Save' }).click();
  const levelError = tshirts.locator('[data-level="2"] .field-error');
  await levelError.waitFor();
  assert.match((await levelError.textContent()) ?? '', /ean is set at two levels/);
  assert.equal(await tshirts.getByRole('listbox', { name: 'Level 2: attributes' }).getAttribute('aria-invalid'), 'true');
  await shot('09d-settings-family-variant-refused');
  await tshirts.getByRole('button', { name: 'Delete family variant' }).click();
  await tshirts.getByRole('button', { name: 'Delete tshirts_color_size for good' }).click();
  const refused = tshirts.locator('.server-message[data-code="CONFLICT"]');
  await refused.waitFor();
  assert.match((await refused.textContent()) ?? '', /still used/);
  await tshirts.getByRole('button', { name: 'Close' }).click();
  assert.equal((await api('query { familyVariant(code: "tshirts_color_size") { code } }')).familyVariant.code, 'tshirts_color_size');
});

test('supplier imports: a new supplier, its CSV mapped, dry-run preview with the rejected row, commit', async () => {
  await page.getByRole('link', { name: 'Imports' }).click();
  await page.getByRole('heading', { name: 'Supplier imports' }).waitFor();
  const form = page.locator('form[aria-labelledby="new-supplier"]');
  await form.getByLabel('Code').fill('acme_coffee');
  await form.getByLabel('Name').fill('Acme Coffee');
  await form.getByRole('button', { name: 'Add' }).click();
  await page.waitForURL(/\/imports\/acme_coffee$/);
  assert.equal(await page.getByRole('combobox', { name: /^Supplier/ }).inputValue(), 'acme_coffee');
  // A supplier's own export: semicolons, decimal commas, a German option label, one bad row.
  const feed = [
    'Art.-Nr.;Name EN;Price EUR;Net weight g;Roast level;Notes',
    'ACME-001;Acme house blend;12,50;250;Mittel;first',
    'ACME-002;Acme purple roast;8,90;1000;purple;second',
  ].join('\n');
  await page.getByLabel('Supplier file (CSV or ZIP)').setInputFiles({ name: 'acme.csv', mimeType: 'text/csv', buffer: Buffer.from(feed) });
  await page.getByText('decimal comma').first().waitFor();
  // The suggested profile: SKU, name in en_US, price in EUR, grams, the roast level; notes say what needs a decision.
  assert.equal(await page.getByLabel('What column Art.-Nr. fills').inputValue(), 'prop:sku');
  assert.equal(await page.getByLabel('What column Price EUR fills').inputValue(), 'attr:price');
  assert.equal(await page.getByLabel('What column Roast level fills').inputValue(), 'attr:roast_level');
  assert.equal(await page.getByLabel('What column Notes fills').inputValue(), 'ignore');
  await page.locator('ul.notes li', { hasText: 'purple' }).waitFor();
  const priceRow = page.locator('tr[data-column="Price EUR"]');
  assert.equal(await priceRow.getByLabel('Currency').inputValue(), 'EUR');
  // Adjust: every row is coffee, and the supplier's word "Mittel" is our "medium".
  await page.getByLabel('Family of every row').selectOption('coffee');
  await page.getByLabel('Dictionary of column Roast level').fill('Mittel = medium');
  await page.getByLabel('Dictionary of column Roast level').blur();
  // Transforms of the name column, in order: a regular expression replaced, then cut to 40 characters.
  await page.getByLabel('New transform for column Name EN').selectOption('replace');
  await page.getByRole('button', { name: 'Add the transform to column Name EN' }).click();
  await page.getByLabel('Replacement of transform 1 of column Name EN').fill('House');
  // A broken regular expression: the server refuses the profile, the error shows on the column's row.
  await page.getByLabel('Regular expression of transform 1 of column Name EN').fill('(house');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.locator('tr[data-column="Name EN"] .field-error[data-code="VALIDATION"]').waitFor();
  await page.getByLabel('Regular expression of transform 1 of column Name EN').fill('\\bhouse\\b');
  await page.getByLabel('New transform for column Name EN').selectOption('truncate');
  await page.getByRole('button', { name: 'Add the transform to column Name EN' }).click();
  await page.getByLabel('Maximum length of transform 2 of column Name EN').fill('40');
  // A template (the German name from the English one) and a constant (every row organic).
  const newSource = page.locator('form[aria-labelledby="new-source"]');
  await newSource.getByLabel('Fills').selectOption('attr:name');
  await newSource.getByLabel('Template', { exact: true }).fill('{Name EN} – Hausmischung');
  await newSource.getByRole('button', { name: 'Add' }).click();
  const template = page.locator('tr[data-source="attr:name"]');
  await template.getByLabel('Content locale').selectOption('de_DE');
  await newSource.getByLabel('Fills').selectOption('attr:organic');
  await newSource.getByLabel('Kind').selectOption('value');
  await newSource.getByLabel('Constant', { exact: true }).fill('yes');
  await newSource.getByRole('button', { name: 'Add' }).click();
  await page.getByLabel('Constant of Organic').waitFor();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved: default version 1' }).waitFor();
  await shot('15-imports-mapping');
  const profile = (await api('query { importProfile(supplier: "acme_coffee", code: "default") { version profile } }')).importProfile;
  assert.equal(profile.version, 1);
  assert.deepEqual(profile.profile.family, { value: 'coffee' });
  const mappings = profile.profile.values as Record<string, unknown>[];
  assert.deepEqual(mappings.find((v) => v.column === 'Name EN')?.transforms, [
    { op: 'replace', pattern: '\\bhouse\\b', with: 'House' }, { op: 'truncate', max: 40 },
  ]);
  assert.deepEqual(mappings.find((v) => v.template !== undefined), { attribute: 'name', locale: 'de_DE', template: '{Name EN} – Hausmischung' });
  assert.deepEqual(mappings.find((v) => v.attribute === 'organic'), { attribute: 'organic', value: 'yes' });

  await page.getByRole('button', { name: 'Dry run' }).click();
  await page.getByRole('heading', { name: 'Dry-run preview' }).first().waitFor();
  await page.locator('.run[data-state="FINISHED"]').waitFor();
  await page.locator('table.import-rows[aria-busy="false"]').waitFor();
  const counts = async () => Object.fromEntries(await page.locator('.run .totals div').evaluateAll((ds) =>
    ds.map((d) => [d.getAttribute('data-count'), Number(d.querySelector('dd')?.textContent)])));
  assert.deepEqual(await counts(), { read: 2, created: 1, updated: 0, unchanged: 0, rejected: 1 });
  const created = page.locator('table.import-rows tr[data-line="2"]');
  assert.equal(await created.getAttribute('data-status'), 'CREATED');
  assert.match((await created.textContent()) ?? '', /ACME-001/);
  assert.match((await created.locator('ul.changes').textContent()) ?? '', /roast_level.*medium/);
  const rejected = page.locator('table.import-rows tr[data-line="3"]');
  assert.equal(await rejected.getAttribute('data-status'), 'REJECTED');
  const reason = (await rejected.locator('ul.errors').textContent()) ?? '';
  assert.match(reason, /Roast level/);
  assert.match(reason, /purple/);
  await shot('16-imports-preview');
  // The rejected rows download with the session the UI signed in with.
  const href = await page.getByRole('link', { name: 'Download the rejected rows (CSV)' }).getAttribute('href');
  assert.ok(href);
  const csv = await page.evaluate(async (url) => {
    const r = await fetch(url);
    return `${r.status}\n${await r.text()}`;
  }, href);
  assert.match(csv, /^200\n/);
  assert.match(csv, /import_errors/);
  assert.match(csv, /ACME-002/);
  assert.doesNotMatch(csv, /ACME-001/);
  assert.equal((await api('query { product(sku: "ACME-001") { sku } }')).product, null);

  await page.getByRole('button', { name: 'Commit the import' }).click();
  await page.getByRole('heading', { name: 'Import', exact: true }).waitFor();
  await page.locator('.run[data-state="FINISHED"]').waitFor();
  await page.locator('.run-progress', { hasText: '100%' }).waitFor();
  assert.deepEqual(await counts(), { read: 2, created: 1, updated: 0, unchanged: 0, rejected: 1 });
  // The history lists the dry run and the commit, newest first.
  await page.locator('table.history tbody tr').nth(1).waitFor();
  const kinds = await page.locator('table.history tbody tr td:nth-child(4)').allTextContents();
  assert.deepEqual(kinds, ['commit', 'dry run']);
  await shot('17-imports-committed');
  // A run of the history opens again with its rows.
  await page.locator('table.history tbody tr').nth(1).getByRole('button', { name: /^Open/ }).click();
  await page.getByRole('heading', { name: 'Dry-run preview' }).first().waitFor();
  await page.locator('table.import-rows tr[data-line="3"][data-status="REJECTED"]').waitFor();
  const product = (await api('query { product(sku: "ACME-001") { family { code } values(locale: "en_US") { attribute data } } }')).product;
  assert.equal(product.family.code, 'coffee');
  const values = Object.fromEntries(product.values.map((v: { attribute: string; data: unknown }) => [v.attribute, v.data]));
  assert.equal(values.roast_level, 'medium');
  assert.deepEqual(values.price, [{ amount: '12.5', currency: 'EUR' }]);
  // The transforms, the template and the constant.
  assert.equal(values.name, 'Acme House blend');
  assert.equal(values.organic, true);
  const german = (await api('query { product(sku: "ACME-001") { values(locale: "de_DE", attributes: ["name"]) { data } } }')).product;
  assert.deepEqual(german.values.map((v: { data: unknown }) => v.data), ['Acme house blend – Hausmischung']);
  // And the grid finds it.
  await page.getByRole('link', { name: 'Products' }).click();
  await waitForGrid();
  await page.getByLabel('Search products').fill('ACME-');
  await waitForPrefix('ACME-');
  assert.deepEqual(await skus(), ['ACME-001']);
  await page.getByLabel('Search products').fill('');
  await waitForGrid();
  // The supplier facet narrows the grid to what a supplier's feeds brought.
  const acme = page.locator('fieldset.facet', { hasText: 'Supplier' }).locator('label', { hasText: 'acme_coffee' });
  assert.equal(await acme.locator('.count').textContent(), '1');
  await acme.getByRole('checkbox').check();
  await page.getByText('1 products', { exact: true }).waitFor();
  await waitForGrid();
  assert.deepEqual(await skus(), ['ACME-001']);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await waitForGrid();
});

test('channel exports: preview a channel with its items and issues, download the feed, see the run', async () => {
  await page.getByRole('link', { name: 'Exports' }).click();
  await page.getByRole('heading', { name: 'Channel exports' }).waitFor();
  await page.getByRole('link', { name: 'google', exact: true }).click();
  await page.waitForURL(/\/exports\/google$/);
  await page.locator('table.export-items[aria-busy="false"]').waitFor();
  // Most demo products pass; those with a too-small placeholder image (or other gaps) are kept
  // out with their reasons.
  const items = page.locator('table.export-items tbody tr');
  assert.equal(await items.count(), 10);
  const summary = page.getByText(/^\d+ accepted, \d+ rejected$/);
  await summary.waitFor();
  const [, accepted, rejectedCount] = ((await summary.textContent()) ?? '').match(/^(\d+) accepted, (\d+) rejected$/) ?? [];
  assert.equal(Number(accepted) + Number(rejectedCount), 10);
  assert.ok(Number(accepted) > 0, `${accepted} accepted`);
  const good = page.locator('table.export-items tbody tr[data-accepted="true"]').first();
  await good.getByText(/\d+ fields/).click();
  await good.locator('dl.feed-fields dt', { hasText: 'title' }).waitFor();
  await good.locator('dl.feed-fields dt', { hasText: 'image_link' }).waitFor();
  const bad = page.locator('table.export-items tbody tr[data-accepted="false"]');
  if ((await bad.count()) > 0) {
    assert.match((await bad.first().locator('ul.issues').textContent()) ?? '', /\S/);
  }
  await page.locator('code.pull-url', { hasText: '/feeds/google.xml' }).waitFor();
  await shot('18-exports-preview');
  // The full feed downloads with the session the UI signed in with; the run is recorded.
  const href = await page.getByRole('link', { name: /^Download the full feed/ }).getAttribute('href');
  assert.equal(href, '/feeds/google.xml');
  const feed = await page.evaluate(async (url) => {
    const r = await fetch(url);
    return `${r.status}\n${await r.text()}`;
  }, href!);
  assert.match(feed, /^200\n<\?xml/);
  await page.getByRole('button', { name: 'Refresh' }).click();
  const run = page.locator('table.export-runs tbody tr[data-run]').first();
  await run.waitFor();
  assert.match((await run.textContent()) ?? '', /manager@demo\.pim\.local/);
  assert.match((await run.textContent()) ?? '', /http/);
  await shot('19-exports-runs');
});

test('interface language: Polish, Russian and Chinese', async () => {
  await page.getByLabel('Interface language').selectOption('pl');
  await page.getByRole('link', { name: 'Produkty', exact: true }).waitFor();
  await page.getByRole('link', { name: 'Importy', exact: true }).waitFor();
  await page.getByRole('link', { name: 'Eksporty', exact: true }).waitFor();
  await page.getByLabel('Język interfejsu').selectOption('ru');
  await page.getByRole('link', { name: 'Товары', exact: true }).waitFor();
  await page.getByRole('link', { name: 'Импорт', exact: true }).waitFor();
  await page.getByLabel('Язык интерфейса').selectOption('zh');
  await page.getByRole('link', { name: '商品', exact: true }).click();
  await waitForGrid();
  await shot('11-grid-zh');
  await page.getByLabel('界面语言').selectOption('en');
  await page.getByRole('link', { name: 'Products', exact: true }).waitFor();
});

test('sign out, and an administrator manages users and tokens', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.goto(`${base}/settings/users`);
  await page.getByLabel('E-mail').fill('admin@pim.local');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('table.list tbody tr td:first-child', { hasText: MANAGER }).waitFor();
  // A new translator for Russian.
  const userForm = page.locator('form[aria-labelledby="new-user"]');
  await userForm.getByLabel('E-mail').fill('tanya@demo.pim.local');
  await userForm.getByLabel('Password (at least 10 characters)').fill('a-long-password-1');
  await userForm.getByRole('combobox', { name: /^Role/ }).selectOption('TRANSLATOR');
  await userForm.getByRole('listbox', { name: 'Locales granted' }).selectOption(['ru_RU']);
  await userForm.getByRole('button', { name: 'Add' }).click();
  const row = page.locator('table.list tbody tr', { hasText: 'tanya@demo.pim.local' });
  await row.getByText('ru_RU').waitFor();
  assert.equal(await page.getByLabel('Role of tanya@demo.pim.local').inputValue(), 'TRANSLATOR');
  await shot('12-settings-users');
  await page.getByRole('link', { name: 'API tokens' }).click();
  await page.getByLabel('Name').fill('ui-test');
  await page.getByRole('button', { name: 'Add' }).click();
  const secret = page.getByRole('status').filter({ hasText: 'shown this once' });
  await secret.waitFor();
  assert.match((await secret.textContent()) ?? '', /pim_/);
  await page.getByRole('cell', { name: 'ui-test', exact: true }).waitFor();
  await shot('13-settings-tokens');
});

test('an administrator creates a channel consumer token on the exports screen; the consumer pulls with it', async () => {
  await page.getByRole('link', { name: 'Exports' }).click();
  await page.getByRole('link', { name: 'google', exact: true }).click();
  await page.getByRole('button', { name: 'Create a consumer token for this channel' }).click();
  const status = page.getByRole('status').filter({ hasText: 'shown this once' });
  await status.waitFor();
  const secret = /(pim_\S+)/.exec((await status.textContent()) ?? '')?.[1];
  assert.ok(secret);
  const pull = await fetch(`${base}/feeds/google.xml`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(pull.status, 200);
  assert.match(await pull.text(), /^<\?xml/);
  // Granted this channel only.
  const other = await fetch(`${base}/feeds/meta`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(other.status, 403);
  await other.body?.cancel();
  // The supplier account of the demo (next test) imports for demo_supplier.
  await api('mutation { saveSupplier(input: { code: "demo_supplier", name: "Demo Supplier" }) { code } }');
});

test('a translator edits only the locales granted', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${base}/products/${PRODUCT}`);
  await page.getByLabel('E-mail').fill('translator@demo.pim.local');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: new RegExp(PRODUCT) }).waitFor();
  await page.getByRole('combobox', { name: /^Channel/ }).selectOption('webshop');
  await page.getByLabel('Content locale').selectOption('en_US');
  await page.locator('.field[data-attribute="name"] .scope', { hasText: 'en_US' }).waitFor();
  await page.locator('.values[aria-busy="false"]').waitFor();
  assert.equal(await page.getByLabel(/^Name/).isDisabled(), true);
  await page.getByLabel('Content locale').selectOption('pl_PL');
  await page.locator('.field[data-attribute="name"] .scope', { hasText: 'pl_PL' }).waitFor();
  await page.locator('.values[aria-busy="false"]').waitFor();
  assert.equal(await page.getByLabel(/^Name/).isDisabled(), false);
  assert.equal(await page.getByLabel('EAN', { exact: true }).isDisabled(), true);
  // Status, categories and deletion are the catalog managers'.
  assert.equal(await page.getByLabel('Enabled').isDisabled(), true);
  assert.equal(await page.getByRole('combobox', { name: /^Add a category/ }).isDisabled(), true);
  assert.equal(await page.getByRole('button', { name: 'Delete', exact: true }).count(), 0);
  // Translating from English, shown beside the field.
  await page.getByLabel(/^Compare with/).selectOption('en_US');
  await page.locator('.field[data-attribute="name"] .compare-value', { hasText: 'Yirgacheffe, edited in English' }).waitFor();
  await page.getByLabel(/^Name/).fill('Yirgacheffe, przetłumaczone');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await shot('14-translator');
});

test('a supplier account sees only its own supplier and imports for it', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${base}/`);
  await page.getByLabel('E-mail').fill('supplier@demo.pim.local');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/imports\/demo_supplier$/);
  await page.getByRole('heading', { name: 'Supplier imports' }).waitFor();
  const nav = await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link').allTextContents();
  assert.deepEqual(nav, ['Imports']);
  const choices = await page.getByRole('combobox', { name: /^Supplier/ }).locator('option').allTextContents();
  assert.deepEqual(choices.slice(1), ['Demo Supplier (demo_supplier)']);
  assert.equal(await page.locator('form[aria-labelledby="new-supplier"]').count(), 0);
  const feed = 'sku,Name EN,Price EUR\nDS-1,Demo supplier item,4.20\n';
  await page.getByLabel('Supplier file (CSV or ZIP)').setInputFiles({ name: 'demo.csv', mimeType: 'text/csv', buffer: Buffer.from(feed) });
  assert.equal(await page.getByLabel('What column Name EN fills').inputValue(), 'attr:name');
  assert.equal(await page.locator('tr[data-column="Name EN"]').getByLabel('Content locale').inputValue(), 'en_US');
  await page.getByRole('button', { name: 'Dry run' }).click();
  await page.locator('.run[data-state="FINISHED"]').waitFor();
  await page.locator('table.import-rows tr[data-line="2"][data-status="CREATED"]').waitFor();
  await shot('20-imports-supplier');
});

test('every operation the browser sent is one of the checked ones and valid', () => {
  const known = new Set(operations().map((o) => o.text));
  const contract = schema();
  assert.ok(sent.length > 10, `only ${sent.length} operations sent`);
  for (const query of new Set(sent)) {
    assert.ok(known.has(query), `sent an operation not written with gql: ${query.slice(0, 80)}`);
    assert.deepEqual(problems(query, contract), []);
  }
});

test('no console errors during the run', () => {
  assert.deepEqual(consoleErrors, []);
});
