"""Fixtures of the real-browser suite.

One demo platform per test session: `caqes demo --no-serve` fills a fresh SQLite database in a
temporary directory, then `caqes serve` answers on a free loopback port. Each test gets its own
headless Chromium (so its own cookies), and leaves screenshots under .build/screenshots/.

Environment:
  CAQES_BIN                 server binary (default: .build/debug/caqes, relative to the repo root)
  CAQES_ROOT                repository root (default: two folders above this file); the server runs there
  CAQES_SCREENSHOTS         screenshot folder (default: <root>/.build/screenshots)
  CAQES_BROWSER_PIDFILE     file listing what this run started and has not stopped yet (« server PID »,
                            « browser PGID »): scripts/browser-tests.sh reads it in its trap, to stop
                            them even if pytest is killed
  CHROMEDRIVER              chromedriver path (default: /usr/bin/chromedriver)
  CHROMIUM                  browser path (default: /usr/bin/chromium)
  CAQES_KEEP_TMP=1          keep the temporary database and storage folder
"""

import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "Demo-CAQES-2026!"
ACCOUNTS = {
    "admin": "admin@demo.caqes.fr",
    "analyst": "analyste.hdf@demo.caqes.fr",
    "insurer": "cpam.nord@demo.caqes.fr",
    "establishment": "chu.lille@demo.caqes.fr",
    "director": "direction.hdf@demo.caqes.fr",
    "expert": "omedit.idf@demo.caqes.fr",
    "expert_hdf": "omedit.hdf@demo.caqes.fr",
    "epsm": "epsm.lille@demo.caqes.fr",
}

ROOT = Path(os.environ.get("CAQES_ROOT") or Path(__file__).resolve().parents[2]).resolve()
SCREENSHOTS = Path(os.environ.get("CAQES_SCREENSHOTS") or ROOT / ".build" / "screenshots")
WAIT_SECONDS = 20


def _binary() -> Path:
    path = Path(os.environ.get("CAQES_BIN") or ".build/debug/caqes")
    return path if path.is_absolute() else ROOT / path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent():
    """Linux: the server gets SIGTERM if pytest dies without running its finalizers."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _record(line: str):
    pidfile = os.environ.get("CAQES_BROWSER_PIDFILE")
    if pidfile:
        with open(pidfile, "a") as f:
            f.write(line + "\n")


def _forget(line: str):
    pidfile = os.environ.get("CAQES_BROWSER_PIDFILE")
    if pidfile and os.path.exists(pidfile):
        with open(pidfile) as f:
            lines = [l for l in f.read().splitlines() if l != line]
        with open(pidfile, "w") as f:
            f.write("".join(l + "\n" for l in lines))


def pytest_configure(config):
    # SIGTERM (CI timeout, the script's trap) ends the run like Ctrl-C: fixtures are torn down, so
    # the server and the browsers stop.
    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    try:
        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        pass


@dataclass
class Platform:
    base_url: str
    tmp: Path
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def platform():
    yield from start_platform()


def start_platform():
    """A fresh demo platform (its own database, storage and server) for as long as the generator
    runs: the session's, or a module's own when its flow moves time forward (test_evaluation)."""
    binary = _binary()
    if not os.access(binary, os.X_OK):
        pytest.exit(f"server binary not found or not executable: {binary} (set CAQES_BIN)", returncode=2)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="caqes-browser-"))
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite:{tmp}/demo.sqlite",
        "CAQES_STORAGE": f"{tmp}/storage/",
        "CAQES_BCRYPT_COST": "4",
    })
    demo_log = tmp / "demo.log"
    with open(demo_log, "wb") as out:
        demo = subprocess.run([str(binary), "demo", "--no-serve"], cwd=ROOT, env=env, stdout=out,
                              stderr=subprocess.STDOUT, timeout=180)
    shutil.copy(demo_log, SCREENSHOTS / "demo.log")
    if demo.returncode != 0:
        pytest.exit(f"`caqes demo --no-serve` failed ({demo.returncode}):\n{demo_log.read_text(errors='replace')}",
                    returncode=2)

    port = _free_port()
    env.update({"CAQES_PORT": str(port), "CAQES_HOST": "127.0.0.1"})
    log = tmp / "serve.log"
    out = open(log, "wb")
    server = subprocess.Popen([str(binary), "serve"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    _record(f"server {server.pid}")
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"`caqes serve` stopped ({server.returncode}):\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer on {base}/healthz after 60 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield Platform(base_url=base, tmp=tmp, log=log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        _forget(f"server {server.pid}")
        out.close()
        shutil.copy(log, SCREENSHOTS / "server.log")
        if os.environ.get("CAQES_KEEP_TMP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def browser(request, platform):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--lang=fr-FR", "--disable-gpu", "--no-first-run", "--password-store=basic"):
        options.add_argument(arg)
    # No « save your password? » or breach-check bubble over the pages.
    options.add_experimental_option("prefs", {"credentials_enable_service": False,
                                              "profile.password_manager_enabled": False,
                                              "profile.password_manager_leak_detection": False})
    # chromedriver and its Chromium in a process group of their own, which the script's trap can
    # stop as a whole if this process is killed before driver.quit().
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"),
                      popen_kw={"start_new_session": True})
    driver = webdriver.Chrome(service=service, options=options)
    group = f"browser {service.process.pid}"
    _record(group)
    driver.set_window_size(1280, 1000)
    driver.set_page_load_timeout(30)
    ui = UI(driver, platform, request.node.name)
    yield ui
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ui.shot("ECHEC")
    driver.quit()
    _forget(group)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


class UI:
    """The browser, with the few helpers the flows share."""

    def __init__(self, driver, platform: Platform, test_name: str):
        self.driver = driver
        self.platform = platform
        self.flow = re.sub(r"^test_", "", test_name)
        self.count = 0

    # Navigation and waiting ------------------------------------------------------------------

    def open(self, path: str):
        self.driver.get(self.platform.url(path))

    def wait(self, seconds: float = WAIT_SECONDS) -> WebDriverWait:
        return WebDriverWait(self.driver, seconds, poll_frequency=0.1)

    def wait_path(self, path: str, seconds: float = WAIT_SECONDS):
        """Waits until the address's path (without the query) is `path`."""
        def arrived(driver):
            current = driver.current_url.split("://", 1)[-1]
            current = "/" + current.split("/", 1)[1] if "/" in current else "/"
            return current.split("?", 1)[0].split("#", 1)[0] == path
        self.wait(seconds).until(arrived, f"expected to reach {path}, still on {self.driver.current_url}")

    def wait_text(self, text: str, seconds: float = WAIT_SECONDS):
        self.wait(seconds).until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), text),
                                 f"« {text} » never appeared on {self.driver.current_url}")

    def find(self, css: str):
        return self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, css)),
                                 f"no element {css} on {self.driver.current_url}")

    def button(self, label: str):
        xpath = f"//button[normalize-space()={_xpath_literal(label)}]"
        return self.wait().until(EC.element_to_be_clickable((By.XPATH, xpath)),
                                 f"no button « {label} » on {self.driver.current_url}")

    def click_and_wait_new_page(self, element):
        """Clicks something that loads a new page, and waits until the old one is gone.

        `element` may be a located element, or an XPath (str) located just before the click. The
        DSFR's scripts rearrange some nodes after load (tables are wrapped for scrolling): a node
        found before that answers « does not belong to the document », so an XPath is located
        again, up to three times."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        for attempt in range(3):
            target = self.wait().until(EC.element_to_be_clickable((By.XPATH, element)),
                                       f"no {element} on {self.driver.current_url}") if isinstance(element, str) else element
            try:
                target.click()
                break
            except (StaleElementReferenceException, WebDriverException) as error:
                moved = isinstance(error, StaleElementReferenceException) or "does not belong to the document" in str(error)
                if not moved or not isinstance(element, str) or attempt == 2:
                    raise
                time.sleep(0.2)
        self.wait().until(lambda driver: _gone(old), f"the page did not change after the click ({self.driver.current_url})")

    def find_table(self, caption: str):
        xpath = f"//table[caption[normalize-space()={_xpath_literal(caption)}]]"
        return self.wait().until(EC.presence_of_element_located((By.XPATH, xpath)),
                                 f"no table « {caption} » on {self.driver.current_url}")

    def body(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def h1(self) -> str:
        return self.find("h1").text.strip()

    # Accounts --------------------------------------------------------------------------------

    def fill_login(self, email: str, password: str):
        # The page's scripts finish first, then the fields are typed and checked before submitting.
        self.wait().until(lambda d: d.execute_script("return document.readyState") == "complete")
        for _ in range(3):
            self.find("#email").clear()
            self.driver.find_element(By.ID, "email").send_keys(email)
            self.driver.find_element(By.ID, "mot_de_passe").clear()
            self.driver.find_element(By.ID, "mot_de_passe").send_keys(password)
            if (self.driver.find_element(By.ID, "email").get_attribute("value") == email
                    and self.driver.find_element(By.ID, "mot_de_passe").get_attribute("value") == password):
                break
            time.sleep(0.2)
        self.click_and_wait_new_page("//button[normalize-space()='Se connecter']")

    def login(self, who: str, lands_on: str = "/"):
        """Signs in; every role taking part in contracts lands on its home page (« Accueil »)."""
        self.open("/connexion")
        self.fill_login(ACCOUNTS[who], PASSWORD)
        self.wait_path(lands_on)

    def logout(self):
        self.click_and_wait_new_page(self.button("Se déconnecter"))
        self.wait_path("/connexion")

    def set_value(self, css: str, value: str):
        """Sets an input's value as the page would receive it (date inputs read ISO dates)."""
        element = self.find(css)
        self.driver.execute_script("arguments[0].value = arguments[1];", element, value)

    # Evidence --------------------------------------------------------------------------------

    def shot(self, step: str) -> Path:
        """Saves the whole page as .build/screenshots/<flow>-<n>-<step>.png."""
        self.count += 1
        path = SCREENSHOTS / f"{self.flow}-{self.count:02d}-{step}.png"
        height = self.driver.execute_script(
            "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        resized = height and height > 1000
        if resized:
            self.driver.set_window_size(1280, min(int(height) + 120, 6000))
        self.driver.save_screenshot(str(path))
        if resized:
            self.driver.set_window_size(1280, 1000)
        return path


def _gone(element) -> bool:
    """Whether a node belongs to a page that was replaced. Chromium answers « stale element », or,
    for the old document's root, « Node with given id does not belong to the document »."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in parts) + ")"


def run_jobs_later(platform: Platform, days: int) -> str:
    """Runs `caqes jobs run-once` on the platform's database as if `days` days had passed, under
    libfaketime (Debian package `faketime`): legal periods end by the platform's own expiry jobs,
    the way they do in production once their last day is over. The server keeps the real time."""
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.fail("faketime is missing (apt-get install faketime): the evaluation flow needs a period to expire")
    env = dict(os.environ)
    env.update({"DATABASE_URL": f"sqlite:{platform.tmp}/demo.sqlite", "CAQES_STORAGE": f"{platform.tmp}/storage/"})
    done = subprocess.run([faketime, "-f", f"+{days}d", str(_binary()), "jobs", "run-once"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"`caqes jobs run-once` under faketime failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout
