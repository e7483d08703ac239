// Drives the Microsoft 365 Agents Playground's web page as a member would, in headless
// Chromium: asks in the personal chat, presses a button of the answer card, then asks in a
// team channel with an @mention. Steps and expected texts come as JSON in argv[2]; what the
// page showed is printed as one JSON line. Used by test_agents_playground.py.
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const CHROMIUM_FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// A composer is found by its placeholder: the channel view also has a thread's reply box.
async function type(page, placeholder, text, timeout) {
  const placeholderText = page.locator("span", { hasText: placeholder }).first();
  const editor = page.locator(
    `div:has(> span:text-is("${placeholder}")) > [data-lexical-editor="true"]`,
  ).first();
  await placeholderText.waitFor({ timeout });
  await editor.click();
  await page.keyboard.type(text);  // into the focused editor (its placeholder then goes)
}

async function step(name, action) {
  try {
    await action();
  } catch (error) {
    throw new Error(`${name}: ${error.message}`);
  }
}

async function main(spec) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "huribot-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: spec.chromium, headless: true, args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  const shown = {};
  try {
    const page = context.pages()[0];
    // fonts and animations from Microsoft's CDN cannot be reached here; fail them at once
    await page.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (route) => route.abort());
    await page.goto(spec.url, { waitUntil: "domcontentloaded" });

    await step("ask in the personal chat", async () => {
      await type(page, "Type a message...", spec.personal.question, spec.timeout);
      await page.getByRole("button", { name: "Send Message" }).click();
    });
    const answer = page.locator(".fai-OutputCard", { hasText: spec.personal.expect }).first();
    await step("read the answer card", async () => {
      await answer.waitFor({ timeout: spec.timeout });
      shown.personal = await answer.innerText();
    });
    await step("press " + spec.personal.press, async () => {
      await answer.getByRole("button", { name: spec.personal.press }).click();
      const thanks = page.locator(".fai-OutputCard", { hasText: spec.personal.thanks }).first();
      await thanks.waitFor({ timeout: spec.timeout });
      shown.thanks = await thanks.innerText();
    });
    await step("post in " + spec.channel.name, async () => {
      await page.getByRole("treeitem", { name: spec.channel.name }).click();
      await type(page, "Start a new post", "@" + spec.channel.bot.split(" ")[0], spec.timeout);
      const menu = page.locator("#typeahead-menu").getByRole("menuitem", { name: spec.channel.bot });
      await menu.click({ timeout: spec.timeout });
      await page.keyboard.type(" " + spec.channel.question);
      await page.getByRole("button", { name: "Post" }).click();
    });
    await step("read the channel reply", async () => {
      const reply = page.getByText(spec.channel.expect, { exact: false }).first();
      await reply.waitFor({ timeout: spec.timeout });
      shown.channel = await reply.innerText();
    });
    await page.screenshot({ path: spec.screenshot });
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return shown;
}

main(JSON.parse(process.argv[2])).then(
  (shown) => console.log(JSON.stringify(shown)),
  (error) => { console.error(String(error && error.stack || error)); process.exit(1); },
);
