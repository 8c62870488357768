// The console's only stylesheet, served by the Worker at /admin/style.css (no other host, no web
// fonts: the system font stack). Under 700px the week grid becomes a list and tables scroll.
export const stylesheet = `
:root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f5f7fa;--brand:#243b53;--accent:#1d4ed8;--danger:#b42318;--ok:#067647;--focus:#f59e0b;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:9}
header.top{background:var(--brand);color:#fff}
.top-in{max-width:1280px;margin:auto;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center}
.brand{font-weight:700;font-size:1.1rem;color:#fff;text-decoration:none;margin-right:8px}
nav.main{display:flex;flex-wrap:wrap;gap:4px}
nav.main a{color:#d9e2ec;text-decoration:none;padding:6px 10px;border-radius:6px}
nav.main a:hover,nav.main a[aria-current=page]{background:#334e68;color:#fff}
.who{margin-left:auto;display:flex;gap:10px;align-items:center;font-size:.9rem;color:#d9e2ec}
.who form{margin:0}
main{max-width:1280px;margin:auto;padding:16px}
h1{font-size:1.6rem;margin:.2em 0 .6em}
h2{font-size:1.2rem;margin:1.4em 0 .5em}
.bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end;justify-content:space-between;margin-bottom:12px}
.bar h1{margin:0}
.inline{display:flex;flex-wrap:wrap;gap:8px;align-items:end}
.inline .field{margin:0}
.btn,button{font:inherit;display:inline-block;padding:8px 14px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;text-decoration:none;cursor:pointer;line-height:1.3}
.btn.secondary,button.secondary{background:#fff;color:var(--accent)}
.btn.danger,button.danger{background:var(--danger);border-color:var(--danger)}
.who button{background:transparent;border-color:#9fb3c8;color:#fff;padding:4px 10px}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px;margin-bottom:16px}
.card>h2:first-child,.card>h1:first-child{margin-top:0}
.field{margin-bottom:14px}
.field>label,.field legend{display:block;font-weight:600;margin-bottom:4px}
fieldset.field{border:0;padding:0;margin:0 0 14px}
.hint{color:var(--muted);font-size:.9rem;margin:0 0 4px}
input,select,textarea{font:inherit;min-height:2.5em;padding:7px 9px;border:1px solid #9fb3c8;border-radius:6px;background:#fff;color:var(--ink);max-width:100%}
input[type=text],input[type=password],textarea{width:100%}
textarea{min-height:5em}
input[type=checkbox],input[type=radio]{width:1.1em;height:1.1em;min-height:0;vertical-align:-2px}
.checks{display:flex;flex-wrap:wrap;gap:6px 16px}
.checks label{font-weight:400}
.error-text{color:var(--danger);font-weight:600;margin:0 0 4px}
.has-error input,.has-error select,.has-error textarea{border:2px solid var(--danger)}
.has-error{border-left:4px solid var(--danger);padding-left:10px}
.summary{border:3px solid var(--danger);background:#fff;padding:12px 16px;border-radius:8px;margin-bottom:16px}
.summary h2{margin:0 0 6px;font-size:1.1rem}
.notice{background:#ecfdf3;border:1px solid #abefc6;color:var(--ok);padding:10px 14px;border-radius:8px;margin-bottom:14px}
.readonly{background:#fffaeb;border:1px solid #fedf89;color:#93370d;padding:8px 14px;border-radius:8px;margin-bottom:14px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:0 20px}
.actions{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-top:8px}
.actions form{margin:0}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:10px;margin-bottom:16px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.status{display:inline-block;font-size:.78rem;font-weight:700;padding:1px 8px;border-radius:999px;border:1px solid}
.status.scheduled{color:#1e40af;background:#eff6ff;border-color:#bfdbfe}
.status.cancelled{color:#9f1239;background:#fff1f2;border-color:#fecdd3}
.status.completed{color:var(--ok);background:#ecfdf3;border-color:#abefc6}
.status.inactive{color:var(--muted);background:#f0f4f8;border-color:var(--line)}
.week{display:grid;grid-template-columns:repeat(7,minmax(0,1fr));gap:8px}
.day{background:#fff;border:1px solid var(--line);border-radius:10px;min-height:220px;padding:8px}
.day h2{font-size:.95rem;margin:0 0 8px;color:var(--muted)}
.day.today{border:2px solid var(--accent)}.day.today h2{color:var(--accent)}
.day ul,.mday ul{list-style:none;margin:0;padding:0}
.ev{display:block;border-left:4px solid #3b82f6;background:#eff6ff;border-radius:6px;padding:6px 8px;margin-bottom:6px;text-decoration:none;color:var(--ink);font-size:.9rem}
.ev:hover{filter:brightness(.96)}
.ev .t{font-weight:700;display:block}
.ev .n{display:block;overflow-wrap:anywhere}
.ev.cancelled{border-color:#e11d48;background:#fff1f2}.ev.cancelled .n{text-decoration:line-through}
.ev.completed{border-color:#16a34a;background:#ecfdf3}
.empty{color:var(--muted);font-size:.9rem}
.month{display:grid;grid-template-columns:repeat(7,minmax(0,1fr));gap:4px}
.mhead{font-size:.8rem;font-weight:700;color:var(--muted);text-align:center}
.mday{background:#fff;border:1px solid var(--line);border-radius:8px;min-height:110px;padding:4px 6px;font-size:.8rem}
.mday.out{background:#f0f4f8;color:var(--muted)}
.mday.today{border:2px solid var(--accent)}
.mday .num{font-weight:700}.d-long{display:none}
.mday .ev{padding:2px 6px;margin-bottom:3px;font-size:.78rem}
.legend{display:flex;gap:12px;flex-wrap:wrap;font-size:.9rem;color:var(--muted);margin:8px 0}
.key-once{font:1rem ui-monospace,Menlo,Consolas,monospace;background:#f0f4f8;padding:10px;border-radius:6px;overflow-wrap:anywhere;display:block}
.signin{max-width:460px;margin:8vh auto}
@media (max-width:700px){
.week{display:block}.day{min-height:0;margin-bottom:8px}
.month{display:block}.d-num{display:none}.d-long{display:inline}.mhead,.mday.out,.mday.none{display:none}.mday{min-height:0;margin-bottom:4px}
.who{margin-left:0}
dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:6px}
}
`;
