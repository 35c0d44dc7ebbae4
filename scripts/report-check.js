// Appended (as an inline script) to a copy of a compliance report by scripts/check-report.sh:
// checks what a reader sees and does in a real browser, and writes one line per check into
// with the id check-results, which the shell script reads back from --dump-dom.
// Expectations come from the page's <html data-expect-*> attributes the shell script sets.
(function () {
  "use strict";
  var results = [];
  function check(name, ok, detail) {
    results.push((ok ? "ok: " : "FAIL: ") + name + (ok || !detail ? "" : " (" + detail + ")"));
  }
  function visible(rows) { return rows.filter(function (row) { return !row.hidden; }); }
  var expect = document.documentElement.dataset;
  var table = document.getElementById("findings-table");
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  var banner = document.getElementById("incomplete");

  // The incomplete-input banner: present exactly when expected, and on the first screen.
  if (expect.expectBanner === "yes") {
    check("incomplete banner present", !!banner);
    check("banner on the first screen", !!banner && banner.getBoundingClientRect().top < 700,
      banner && "top " + banner.getBoundingClientRect().top);
  } else {
    check("no incomplete banner for complete inputs", !banner);
  }

  // One table, sorted by severity (data-rank, descending) then rule.
  check("findings table has rows", rows.length > 0, rows.length + " rows");
  var sorted = true, where = "";
  for (var at = 1; at < rows.length; at += 1) {
    var a = rows[at - 1].dataset, b = rows[at].dataset;
    if (Number(a.rank) < Number(b.rank) || (a.rank === b.rank && a.rule > b.rule)) {
      sorted = false; where = "row " + at + ": " + a.rule + " before " + b.rule;
      break;
    }
  }
  check("table sorted by severity then rule", sorted, where);

  // Collapsed by default; the filter form appears only with the script.
  check("rule sections collapsed", document.querySelectorAll("details.rule[open]").length === 0
    && document.querySelectorAll("details.rule").length > 0);
  var form = document.getElementById("filters");
  check("filters shown by the script", !!form && !form.hidden);

  // A scripted click on the first non-zero severity count filters the table.
  var count = document.querySelector("#failing-by-severity a[data-severity]");
  if (count) {
    var severity = count.dataset.severity;
    var expected = Number(count.querySelector(".n").textContent);
    count.click();
    var shown = visible(rows);
    check("clicking the " + severity + " count shows its " + expected + " failing rows",
      shown.length === expected && shown.every(function (row) {
        return row.dataset.severity === severity && row.dataset.status === "fail";
      }), shown.length + " shown");
  }
  // The rule filter, as a person would use it.
  var select = form && form.querySelector("select[name=rule]");
  if (select && select.options.length > 1) {
    form.reset();
    select.value = select.options[1].value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var ruleRows = visible(rows);
    check("rule filter keeps only " + select.value, ruleRows.length > 0 && ruleRows.every(function (row) {
      return row.dataset.rule === select.value;
    }), ruleRows.length + " shown");
  }
  // Several accounts: a filter, a roll-up and a section each.
  if (expect.expectAccounts) {
    var accounts = form && form.querySelector("select[name=account]");
    check("account filter lists " + expect.expectAccounts + " accounts",
      !!accounts && accounts.options.length - 1 === Number(expect.expectAccounts));
    check("a section per account",
      document.querySelectorAll("#accounts details.section").length === Number(expect.expectAccounts));
    check("account roll-up table", !!document.getElementById("accounts-rollup"));
  }
  // A row's link opens its collapsed rule section at the finding.
  var link = rows.length && rows[0].querySelector("a");
  if (link) { link.click(); }
  function finish() {
    var pre = document.createElement("pre");
    pre.id = "check-results";
    pre.textContent = results.join("\n");
    document.body.appendChild(pre);
  }
  setTimeout(function () {
    if (link) {
      var detail = document.getElementById(link.getAttribute("href").slice(1));
      var section = detail && detail.closest("details");
      check("a row's link opens its finding's section", !!section && section.open);
    }
    if (!form) { finish(); return; }
    form.reset();
    setTimeout(function () {
      check("reset shows every row", visible(rows).length === rows.length);
      finish();
    }, 10);
  }, 10);
})();
