"""What the end-to-end scripts share: named checks with a summary line that the Swift tests
read ("N passed, M failed"), and a small client for the help desk's JSON API."""
import json
import sys
import time
import urllib.error
import urllib.request

_counts = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    """Records one check, printing `ok   name` or `FAIL name detail`."""
    if condition:
        _counts["passed"] += 1
        print(f"ok   {name}")
    else:
        _counts["failed"] += 1
        print(f"FAIL {name} {str(detail)[:2000]}")


def chromium(width=1280, height=900):
    """A headless Chromium driven over WebDriver (Debian's chromium and chromium-driver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def finish():
    """Prints the summary and exits 1 when any check failed."""
    print(f"{_counts['passed']} passed, {_counts['failed']} failed")
    sys.exit(1 if _counts["failed"] else 0)


def request(base, method, path, body=None, headers=None):
    """A raw HTTP request: (status, headers, text), for errors too."""
    call = urllib.request.Request(base + path, method=method, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(call) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def json_api(base, token):
    """`api(method, path, body=None, token=None)` -> (status, decoded JSON or None)."""
    def api(method, path, body=None, token_override=None):
        status, _, text = request(base, method, path, None if body is None else json.dumps(body).encode(),
                                  {"Authorization": "Bearer " + (token_override or token), "Content-Type": "application/json"})
        return status, json.loads(text) if text else None
    return api


def eventually(probe, seconds=8):
    """The first truthy answer of `probe` within `seconds`, or its last answer."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.2)
    return probe()


def accessibility_problems(browser):
    """The serious and critical violations axe-core finds on the browser's current page, as
    "rule: target" lines (empty when there are none)."""
    from axe_selenium_python import Axe
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    def where(node):
        why = (node.get("any") or node.get("all") or node.get("none") or [{}])[0].get("message", "")
        return f"{node['target']} ({why})"
    return [f"{violation['id']}: {'; '.join(where(node) for node in violation['nodes'][:3])}"
            for violation in results["violations"] if violation.get("impact") in ("serious", "critical")]


def relayed(directory, count, timeout=15):
    """What the test relay (relay.py) received, oldest first, once it holds `count` messages; [] if
    it does not within `timeout` seconds."""
    import glob
    import os
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = sorted(glob.glob(os.path.join(directory, "*.json")), key=lambda p: int(os.path.basename(p).split(".")[0]))
        if len(files) >= count:
            return [json.load(open(path)) for path in files]
        time.sleep(0.1)
    return []


class Pages:
    """A browser on the workspace, for the settings pages' tests: waits for the page a click
    answers with, and signs in and out with the one password the test gave its users."""

    def __init__(self, browser, base, password, timeout=15):
        from selenium.webdriver.support.ui import WebDriverWait
        self.browser, self.base, self.password = browser, base, password
        self.wait = WebDriverWait(browser, timeout)

    def heading(self):
        from selenium.webdriver.common.by import By
        return self.browser.find_element(By.TAG_NAME, "h1").text

    def press(self, button):
        """Clicks a form's button or a link and waits for the page the server answers with: the
        old page is marked, and the new one is the loaded page without the mark."""
        from selenium.common.exceptions import WebDriverException
        self.browser.execute_script("document.documentElement.dataset.before = 'yes'")
        button.click()

        def answered(driver):
            try:
                return driver.execute_script("return document.readyState === 'complete' && !document.documentElement.dataset.before")
            except WebDriverException:
                return False  # the page is being replaced
        self.wait.until(answered)

    def sign_in(self, email):
        from selenium.webdriver.common.by import By
        self.browser.get(self.base + "/sign-in")
        for name, value in {"email": email, "password": self.password}.items():
            self.browser.find_element(By.NAME, name).send_keys(value)
        self.press(self.browser.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]"))

    def sign_out(self):
        from selenium.webdriver.common.by import By
        self.press(self.browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button"))
