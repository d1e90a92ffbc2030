#!/usr/bin/env python3
"""Browser tests of `shadecast serve` (issue 21): Debian chromium driven by chromium-driver through
python3-selenium, headless. One clinic day through the pages, on shipped sample data (with --tls,
issue 22: on 0.0.0.0 over HTTPS, logged in as a manager through the login form first, logged out
at the end):
  1. a client added with a name that is HTML (<img src=x onerror=...>) shows as text;
  2. a calibration: chart photo -> verdict and held-out error; its re-check;
  3. a full consultation from the upload to the saved, served report;
  4. a follow-up visit that updates the forecast;
  5. the due list;
  6. the new client erased from the Client page, files and all.
Reference for every value the page shows: the CLI's --json for the same inputs on a twin database
that receives the same operations (`calibrate`, `consult`, `visit add`, `forecast`, `due`); values
are compared as the page formats them (same rounding). The browser's console must show no
Content-Security-Policy violation. Each step saves a screenshot under --out.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    sys.exit("browser tests need python3-selenium (and chromium, chromium-driver): tools/test installs them")

TODAY = "2026-11-22"
FAILURES = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


def cli(args, cwd):
    env = dict(os.environ, SHADECAST_TODAY=TODAY)
    r = subprocess.run([ARGS.bin] + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit("shadecast %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def cli_json(args, cwd):
    return json.loads(cli(args + ["--json"], cwd))


def start_server(work):
    env = dict(os.environ, SHADECAST_TODAY=TODAY)
    args = [ARGS.bin, "serve", "--db", "api.db", "--port", "0", "--data-dir", "data"]
    if ARGS.tls:  # issue 22: the clinic's network, a throwaway certificate, a manager to log in as
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", "key.pem", "-out", "cert.pem"], cwd=work, check=True, capture_output=True)
        with open(os.path.join(work, "pw.txt"), "w") as f:
            f.write(PASSWORD + "\n")
        cli(["staff", "add", "mona", "--role", "manager", "--password-file", "pw.txt", "--db", "api.db"], work)
        args += ["--bind", "0.0.0.0", "--tls-cert", "cert.pem", "--tls-key", "key.pem"]
    p = subprocess.Popen(args, cwd=work, env=env, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    url = line.split()[2].rstrip("/")
    if not url.startswith(("https" if ARGS.tls else "http") + "://127.0.0.1:"):
        sys.exit("serve did not print its address: " + line)
    return p, url


PASSWORD = "a long clinic passphrase"


def step_login(d, url):
    """Over TLS: only the login form until a login; a wrong password is refused in plain words."""
    d.get(url + "/#today")
    WebDriverWait(d, 30).until(lambda d: d.find_element(By.ID, "login").is_displayed())
    check(not d.find_element(By.ID, "today").is_displayed(), "without a session only the login form shows")
    d.find_element(By.ID, "login-username").send_keys("mona")
    d.find_element(By.ID, "login-password").send_keys("not the password")
    d.find_element(By.ID, "login-submit").click()
    WebDriverWait(d, 30).until(lambda d: "wrong username or password" in d.find_element(By.ID, "message").text)
    check(True, "a wrong password is refused: " + d.find_element(By.ID, "message").text)
    for field, value in (("login-username", "mona"), ("login-password", PASSWORD)):
        d.find_element(By.ID, field).clear()
        d.find_element(By.ID, field).send_keys(value)
    d.find_element(By.ID, "login-submit").click()
    WebDriverWait(d, 30).until(lambda d: d.find_element(By.ID, "who").is_displayed())
    check("mona" in d.find_element(By.ID, "who").text, "logged in: the header names the user and role")
    cookies = {c["name"]: c for c in d.get_cookies()}
    c = cookies.get("__Host-shadecast_session", {})
    check(c.get("secure") and c.get("httpOnly") and c.get("sameSite") == "Strict",
          "the session cookie is Secure, HttpOnly, SameSite=Strict: %s" % {k: c.get(k) for k in ("secure", "httpOnly", "sameSite")})
    shot(d, "0_login")


def step_erase(d, url, work):
    """Erase from the Client page (issue 22): the record, photos and reports go; the audit log keeps the id."""
    go(d, url, "client/new01")
    WebDriverWait(d, 30).until(lambda d: "new01" in d.find_element(By.ID, "client-title").text)
    d.find_element(By.ID, "client-erase").click()
    WebDriverWait(d, 10).until(lambda d: d.switch_to.alert)
    d.switch_to.alert.accept()
    WebDriverWait(d, 30).until(lambda d: "Erased client new01" in d.find_element(By.ID, "message").text)
    check(True, "the page says: " + d.find_element(By.ID, "message").text)
    ids = [c["client_id"] for c in cli_json(["client", "list", "--db", "api.db"], work)["clients"]]
    check("new01" not in ids, "the erased client is gone from the database")
    left = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(work, "data")) for f in fs if "new01" in f or "new01" in r]
    check(not left, "no photo or report of the erased client is left %s" % left[:3])
    audit = cli_json(["audit", "--client", "new01", "--db", "api.db"], work)["audit"]
    check(audit and audit[-1]["action"] == "client.erase", "the audit log ends with the erase")
    shot(d, "7_erased")


def step_logout(d, url):
    d.find_element(By.ID, "logout").click()
    WebDriverWait(d, 30).until(lambda d: d.find_element(By.ID, "login").is_displayed())
    d.get(url + "/#clients")
    WebDriverWait(d, 30).until(lambda d: d.find_element(By.ID, "login").is_displayed())
    check(not d.find_element(By.ID, "clients").is_displayed(), "after logout the pages need a login again")


def browser():
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1800"):
        o.add_argument(a)
    if ARGS.tls:
        o.accept_insecure_certs = True  # the throwaway test certificate
    o.binary_location = "/usr/bin/chromium"
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def wait_visible(d, element_id, timeout=300):
    WebDriverWait(d, timeout).until(lambda d: d.find_element(By.ID, element_id).is_displayed()
                                    or d.find_element(By.ID, "message").get_attribute("class") == "message error")
    msg = d.find_element(By.ID, "message")
    if "error" in msg.get_attribute("class"):
        sys.exit("the page reported an error: " + msg.text)


def text(d, element_id):
    return d.find_element(By.ID, element_id).text


def shot(d, name):
    os.makedirs(ARGS.out, exist_ok=True)
    path = os.path.join(ARGS.out, name + ".png")
    d.save_screenshot(path)
    print("     screenshot " + path)


def set_value(d, element, value):
    d.execute_script("arguments[0].value = arguments[1]", element, value)


def go(d, url, page):
    d.get(url + "/#" + page)
    WebDriverWait(d, 30).until(lambda d: d.find_element(By.ID, "version").text.startswith("shadecast"))


def fixed(x, n):
    return "n/a" if x is None else "%.*f" % (n, x)


def touch_up_text(t):
    if not t or not t.get("date"):
        return "not expected within the forecast horizon"
    return "around %s (likely %s to %s)%s" % (t["date"], t.get("p10") or "-", t.get("p90") or "beyond the horizon",
                                               " — OVERDUE" if t.get("overdue") else "")


def step_client(d, url, work):
    name = "<img src=x onerror=alert(1)>"
    go(d, url, "clients")
    f = d.find_element(By.ID, "client-form")
    f.find_element(By.NAME, "client_id").send_keys("new01")
    f.find_element(By.NAME, "name").send_keys(name)
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(d, 30).until(lambda d: "new01" in d.find_element(By.ID, "client-table").text)
    cli(["client", "add", "new01", "--name", name, "--db", "cli.db"], work)
    check(name in d.find_element(By.ID, "client-table").text, "the HTML name shows as text in the client list")
    check(len(d.find_elements(By.CSS_SELECTOR, "#client-table img")) == 0, "no <img> element made from the name")
    shot(d, "1_clients")


def step_calibrate(d, url, work, chart):
    go(d, url, "calibrate")
    f = d.find_element(By.ID, "calibrate-form")
    room = f.find_element(By.NAME, "room")
    room.clear()
    room.send_keys("room1")
    f.find_element(By.NAME, "photo").send_keys(chart)
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_visible(d, "calibrate-result")
    ref = cli_json(["calibrate", "--image", chart, "--out", "cli_room1.pb"], work)
    check(text(d, "k-verdict") == "Profile " + ref["verdict"], "calibration verdict %r = CLI %r" % (text(d, "k-verdict"), ref["verdict"]))
    check(text(d, "k-loo") == fixed(ref["loo"]["mean_de00"], 2), "held-out mean %s = CLI %s" % (text(d, "k-loo"), fixed(ref["loo"]["mean_de00"], 2)))
    check(text(d, "k-skin") == fixed(ref["loo"]["skin_mean_de00"], 2), "skin patches' held-out mean = CLI")
    rows = d.find_elements(By.CSS_SELECTOR, "#k-patches tbody tr")
    check(len(rows) == len(ref["patches"]), "one row per patch (%d)" % len(rows))
    shot(d, "2_calibrate")
    # The re-check with the same photo: no drift, no recalibration, as `profile check` says.
    f = d.find_element(By.ID, "check-form")
    WebDriverWait(d, 30).until(lambda d: len(Select(f.find_element(By.NAME, "room")).options) > 1)
    Select(f.find_element(By.NAME, "room")).select_by_value("room1")
    f.find_element(By.NAME, "photo").send_keys(chart)
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_visible(d, "check-result")
    chk = cli_json(["profile", "check", "--profile", os.path.join(work, "data/profiles/room1.pb"), "--image", chart], work)
    want = "RECALIBRATE:" if chk["recalibrate"] else "Still good:"
    check(text(d, "r-verdict") == want, "re-check verdict %r = CLI %r" % (text(d, "r-verdict"), want))
    check(text(d, "r-drift") == fixed(chk["drift"]["mean_de00"], 2), "re-check drift %s = CLI" % text(d, "r-drift"))
    shot(d, "2_recheck")


CLINIC = "Clinic <b>One</b> & Co"


def step_settings(d, url, work):
    go(d, url, "settings")
    WebDriverWait(d, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pigment-table tbody tr"))
    lib = cli_json(["pigment", "list"], work)
    rows = d.find_elements(By.CSS_SELECTOR, "#pigment-table tbody tr")
    check([r.find_elements(By.TAG_NAME, "td")[0].text for r in rows] == [p["id"] for p in lib["pigments"]],
          "the ink library lists the pigments of `pigment list` (%d)" % len(rows))
    f = d.find_element(By.ID, "settings-form")
    f.find_element(By.NAME, "clinic_name").send_keys(CLINIC)
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(d, 30).until(lambda d: "Saved" in d.find_element(By.ID, "message").text)
    shot(d, "2_settings")


def step_consult(d, url, work, scalp):
    go(d, url, "consult/new01")
    f = d.find_element(By.ID, "consult-form")
    WebDriverWait(d, 30).until(lambda d: len(Select(f.find_element(By.NAME, "profile")).options) > 1)
    Select(f.find_element(By.NAME, "profile")).select_by_value("room1")
    f.find_element(By.NAME, "photo").send_keys(scalp)
    set_value(d, f.find_element(By.NAME, "start"), "2026-12-07")
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_visible(d, "consult-result")
    ref = cli_json(["consult", "--client", "new01", "--image", scalp, "--profile", os.path.join(work, "data/profiles/room1.pb"),
                    "--start", "2026-12-07", "--report", "cli_report.html", "--clinic-name", CLINIC, "--db", "cli.db"], work)
    rc = ref["recipe"]
    for element, want in (("c-shade", rc["shade"]), ("c-water", fixed(rc["water_ml_per_ml"], 1)), ("c-needle", rc["needle"]),
                          ("c-dot", fixed(rc["dot_diameter_mm"], 2)), ("c-density", fixed(rc["density_per_cm2"], 0)),
                          ("c-near", fixed(rc["near_de00"], 1)), ("c-regional", fixed(rc["regional_de00"], 1)),
                          ("c-touchup", touch_up_text(ref["touch_up"]))):
        check(text(d, element) == want, "consultation %s %r = CLI %r" % (element, text(d, element), want))
    rows = d.find_elements(By.CSS_SELECTOR, "#c-sessions tbody tr")
    check(len(rows) == len(ref["sessions"]), "one row per planned session (%d)" % len(rows))
    for row, s in zip(rows, ref["sessions"]):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        check(cells[1] == s["date"] and cells[3] == s["shade"] and cells[4] == fixed(s["water_ml_per_ml"], 1),
              "session %d: %s %s %s ml/ml = CLI" % (s["session"], cells[1], cells[3], cells[4]))
    fills = [r.get_attribute("fill") for r in d.find_elements(By.CSS_SELECTOR, "#consult-result svg rect")]
    check(all(f and f.startswith("#") and f != "#ffffff" for f in fills), "every swatch has its colour (%d)" % len(fills))
    shot(d, "3_consultation")
    report = d.find_element(By.ID, "c-report").get_attribute("href")
    d.get(report)
    body = d.find_element(By.TAG_NAME, "body").text
    check("<img src=x onerror=alert(1)>" in body, "the saved report shows the client's name as text")
    check(CLINIC in body, "the report carries the clinic name from Settings, as text")
    check(len(d.find_elements(By.CSS_SELECTOR, "img[src=x]")) == 0, "the report has no element made from the name")
    shot(d, "3_report")


def step_visit(d, url, work):
    go(d, url, "visit/demo001")
    f = d.find_element(By.ID, "visit-form")
    f.find_element(By.NAME, "photo").send_keys(os.path.join(work, "v.jpg"))
    f.find_element(By.NAME, "chart_in_frame").click()
    set_value(d, f.find_element(By.NAME, "date"), "2026-11-20")
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_visible(d, "visit-result")
    v = cli_json(["visit", "add", "--client", "demo001", "--date", "2026-11-20", "--image", "v.jpg", "--chart-in-frame",
                  "--db", "cli.db"], work)
    fc = cli_json(["forecast", "--client", "demo001", "--db", "cli.db"], work)
    lab = lambda x: " ".join("%.1f" % x.get(k, 0) for k in ("l", "a", "b"))
    check(text(d, "v-dot") == lab(v["dot_lab"]), "visit dots %s = CLI %s" % (text(d, "v-dot"), lab(v["dot_lab"])))
    check(text(d, "v-skin") == lab(v["skin_lab"]), "visit skin = CLI")
    check(text(d, "v-touchup") == touch_up_text(fc["touch_up"]), "updated touch-up %r = CLI %r" % (text(d, "v-touchup"), touch_up_text(fc["touch_up"])))
    check(len(d.find_elements(By.CSS_SELECTOR, "#visit-fade svg polyline")) == 1, "the fade chart is drawn")
    shot(d, "4_followup")
    # The client page: the follow-up among the history, its photo kept with the record.
    go(d, url, "client/demo001")
    WebDriverWait(d, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#client-photos img"))
    imgs = d.find_elements(By.CSS_SELECTOR, "#client-photos img")
    loaded = d.execute_script("return Array.from(arguments[0]).every(i => i.complete && i.naturalWidth > 0)", imgs)
    check(len(imgs) == 1 and loaded, "the client page shows the visit's photo (%d)" % len(imgs))
    check("2026-11-20" in d.find_element(By.ID, "visit-table").text, "the client page lists the new visit")
    shot(d, "4_client")


def step_due(d, url, work):
    go(d, url, "today")
    # The batch forecast with its progress bar; the twin gets `forecast --client` for each client.
    d.find_element(By.ID, "forecast-all").click()
    WebDriverWait(d, 300).until(lambda d: " forecast" in d.find_element(By.ID, "job-text").text
                                and "of" not in d.find_element(By.ID, "job-text").text)
    done = text(d, "job-text")
    n = 0
    for c in cli_json(["client", "list", "--db", "cli.db"], work)["clients"]:
        env = dict(os.environ, SHADECAST_TODAY=TODAY)
        r = subprocess.run([ARGS.bin, "forecast", "--client", c["client_id"], "--db", "cli.db"], cwd=work, env=env,
                           capture_output=True, text=True)
        n += r.returncode == 0
    check(done.startswith("%d forecast" % n), "batch forecast %r: %d clients forecast as on the CLI" % (done, n))
    Select(d.find_element(By.ID, "due-within")).select_by_value("3650d")
    ref = cli_json(["due", "--within", "3650d", "--db", "cli.db"], work)
    want = [[x["client_id"], x["touch_up"]] for x in ref["due"]]

    def rows(d):
        return [[c.text for c in r.find_elements(By.TAG_NAME, "td")][0:3:2] for r in d.find_elements(By.CSS_SELECTOR, "#due-table tbody tr")]
    try:
        WebDriverWait(d, 30).until(lambda d: rows(d) == want)
    except Exception:
        pass
    check(rows(d) == want, "due list %s = CLI %s" % (rows(d), want))
    shot(d, "5_due")


def main():
    repo = os.path.abspath(ARGS.repo)
    chart = os.path.join(repo, "data/samples/clinic_chart.jpg")
    scalp = os.path.join(repo, "data/samples/consult_scalp.jpg")
    with tempfile.TemporaryDirectory() as work:
        for db in ("api.db", "cli.db"):
            cli(["import", os.path.join(repo, "data/samples/client_demo.textproto"), "--db", db], work)
        cli(["synth", "scalp", "--camera", "canon_eos_5d_mark_ii", "--illuminant", "D65", "--dots", "150", "--dots-recipe",
             "carbon_black", "--follicles", "40", "--hairs", "5", "--with-chart", "--size", "1600x1200", "--jpeg", "92",
             "--seed", "3", "--out", "v.jpg", "--truth", "v.json"], work)
        server, url = start_server(work)
        d = None
        try:
            d = browser()
            if ARGS.tls:
                step_login(d, url)
            step_client(d, url, work)
            step_calibrate(d, url, work, chart)
            step_settings(d, url, work)
            step_consult(d, url, work, scalp)
            step_visit(d, url, work)
            step_due(d, url, work)
            step_erase(d, url, work)
            if ARGS.tls:
                step_logout(d, url)
            csp = [e["message"] for e in d.get_log("browser") if "Content Security Policy" in e["message"]]
            check(not csp, "no Content-Security-Policy violation in the console %s" % csp[:3])
        finally:
            if d:
                d.quit()
            server.terminate()
            server.wait(timeout=30)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all browser checks passed")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="the shadecast binary")
    ap.add_argument("--repo", required=True, help="the source tree (shipped sample data)")
    ap.add_argument("--out", required=True, help="folder for the screenshots")
    ap.add_argument("--tls", action="store_true", help="serve on 0.0.0.0 over TLS with a staff login (issue 22)")
    ARGS = ap.parse_args()
    ARGS.bin = os.path.abspath(ARGS.bin)
    ARGS.out = os.path.abspath(ARGS.out)
    sys.exit(main())
