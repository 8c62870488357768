/** The reference page's styles: system fonts, light and dark, no external assets. */
export const styles = `
:root{--bg:#fff;--fg:#1d2330;--mute:#5b6475;--line:#e3e6ec;--soft:#f5f7fa;--acc:#2356d8;--code:#f0f2f6}
@media (prefers-color-scheme:dark){:root{--bg:#12151c;--fg:#e6e9ef;--mute:#9aa3b5;--line:#2a303c;--soft:#181c25;--acc:#7aa2ff;--code:#1f2430}}
*{box-sizing:border-box}body{margin:0;font:15px/1.55 system-ui,-apple-system,Segoe UI,sans-serif;background:var(--bg);color:var(--fg)}
a{color:var(--acc);text-decoration:none}a:hover{text-decoration:underline}
code,pre,textarea,input{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--code);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
pre{background:var(--code);padding:10px 12px;border-radius:6px;overflow:auto;max-height:420px;margin:6px 0}
pre code{background:none;padding:0}
header{position:sticky;top:0;z-index:2;display:flex;gap:16px;align-items:center;flex-wrap:wrap;padding:10px 20px;background:var(--soft);border-bottom:1px solid var(--line)}
header b{font-size:17px}header .v{color:var(--mute);font-size:13px}
header label{margin-left:auto;display:flex;gap:8px;align-items:center;font-size:13px}
input,textarea,select{background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:5px;padding:5px 7px}
header input{width:300px}
.wrap{display:grid;grid-template-columns:300px 1fr;max-width:1280px;margin:0 auto}
.side{position:sticky;top:52px;align-self:start;max-height:calc(100vh - 52px);overflow:auto;padding:16px 12px 40px 20px;font-size:13.5px;border-right:1px solid var(--line)}
.side h4{margin:16px 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--mute)}
.side a{display:flex;gap:6px;align-items:baseline;padding:2px 0;color:var(--fg)}.side a code{background:none;padding:0;font-size:12px;overflow-wrap:anywhere}.side .m{min-width:50px;flex:none}
main{padding:8px 32px 80px;min-width:0}
h2{margin:40px 0 6px;padding-top:8px;border-top:1px solid var(--line)}h3{margin:22px 0 6px}h4{margin:16px 0 6px;font-size:14px}
.op{margin:26px 0;padding:16px 18px;border:1px solid var(--line);border-radius:8px}
.op h3{margin:0;display:flex;gap:10px;align-items:center;flex-wrap:wrap}.op h3 code{font-size:15px;background:none;padding:0}
.m{display:inline-block;min-width:56px;text-align:center;font:600 11px/20px ui-monospace,monospace;border-radius:4px;color:#fff;background:#6b7280}
.m.get{background:#1f8a4c}.m.post{background:#2356d8}.m.patch{background:#b7791f}.m.delete{background:#c53030}
.sum{color:var(--mute);margin:6px 0}.meta{color:var(--mute);font-size:12.5px;margin:4px 0}
[id]{scroll-margin-top:64px}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:4px 0}td,th{border-top:1px solid var(--line);padding:6px 8px;vertical-align:top;text-align:left}
td p{margin:0 0 4px}.fields .fields{margin-top:6px}
.req{color:#c53030;margin-left:2px}.c{display:inline-block;color:var(--mute);font-size:12px;margin-right:8px}.t{margin:4px 0}
details{margin:4px 0}summary{cursor:pointer;padding:3px 0}
.st{display:inline-block;min-width:38px;font:600 12px ui-monospace,monospace}.s2{color:#1f8a4c}.s3{color:#6b7280}.s4{color:#b7791f}.s5{color:#c53030}
.try{margin-top:12px;padding:10px 12px;background:var(--soft);border-radius:6px}
.try .row{display:grid;grid-template-columns:150px minmax(0,1fr);gap:8px;align-items:center;margin:5px 0;font-size:13px}
.try textarea{width:100%;min-height:120px}.try button{margin-top:8px;padding:6px 16px;border:0;border-radius:5px;background:var(--acc);color:#fff;font-weight:600;cursor:pointer}
.out:empty{display:none}.out{margin-top:10px}.out .line{font-weight:600}
.tbl{max-width:100%;overflow-x:auto;margin:4px 0}.tbl .tbl{margin-top:6px}.tbl table{margin:0}
input,textarea,select{max-width:100%}.c{max-width:100%;overflow-wrap:anywhere}
.to-menu,.menu{display:none}
.menu{margin:12px 0 0;padding:4px 14px 8px;border:1px solid var(--line);border-radius:8px}
.menu h2{margin:8px 0 4px;padding:0;border:0;font-size:17px}.menu summary{font-weight:600;padding:6px 0}
.menu details a{display:flex;gap:6px;align-items:baseline;padding:5px 0 5px 4px;color:var(--fg)}.menu a code{background:none;padding:0;font-size:12.5px;overflow-wrap:anywhere}.menu .m{min-width:56px;flex:none}
.menu p{margin:8px 0 0;font-size:13.5px}
@media (max-width:860px){.wrap{display:block}nav.side{display:none}.menu{display:block}main{padding:8px 16px}
header{position:static;gap:8px 16px;padding:10px 16px}header label{margin-left:0;flex:1 1 100%}header input{width:auto;flex:1;min-width:0}
.to-menu{display:block;position:fixed;z-index:3;right:14px;bottom:14px;padding:8px 16px;border-radius:20px;background:var(--acc);color:#fff;font-weight:600;box-shadow:0 2px 8px #0004}
[id]{scroll-margin-top:12px}}
@media (max-width:520px){main{padding:4px 10px 80px}.op{padding:12px 10px}.try{padding:8px}.try .row{grid-template-columns:1fr;gap:2px}
.tbl thead{display:none}.tbl tr{display:block;border-top:1px solid var(--line);padding:6px 0}.tbl td{display:inline-block;max-width:100%;border:0;padding:0 10px 0 0;overflow-wrap:anywhere}.tbl td:last-child{display:block;padding:2px 0 0}}
`;

/**
 * "Try it": sends the form as a request with the token from the header field (kept in
 * sessionStorage, so it is gone with the tab), then shows status, time, headers and body, and the
 * same request as curl with the key left as $CALENDAR_KEY.
 */
export const script = `
const $=(s,e=document)=>e.querySelector(s);
const token=$("#token");
token.value=sessionStorage.getItem("calendar-token")||"";
token.addEventListener("input",()=>sessionStorage.setItem("calendar-token",token.value));
const q=(s)=>"'"+s.replaceAll("'","'\\\\''")+"'";
function el(tag,text,cls){const e=document.createElement(tag);if(text!=null)e.textContent=text;if(cls)e.className=cls;return e}
document.addEventListener("submit",async(event)=>{
 const form=event.target;if(!form.classList.contains("try"))return;event.preventDefault();
 let path=form.dataset.path;const query=new URLSearchParams();const headers={};const missing=[];
 for(const input of form.querySelectorAll("[data-in]")){
  const value=input.value.trim();const name=input.name;
  if(!value){if(input.required)missing.push(name);continue}
  if(input.dataset.in==="path")path=path.replace("{"+name+"}",encodeURIComponent(value));
  else if(input.dataset.in==="query")query.append(name,value);else headers[name]=value}
 const out=$(".out",form);out.replaceChildren();
 if(missing.length){out.append(el("p","Fill in: "+missing.join(", "),"line"));return}
 const body=$("textarea",form);const init={method:form.dataset.method,headers:{...headers}};
 if(body&&body.value.trim()){init.body=body.value;init.headers["Content-Type"]="application/json"}
 if(token.value)init.headers.Authorization="Bearer "+token.value;
 const url=path+(query.size?"?"+query:"");
 const started=performance.now();
 try{
  const response=await fetch(url,init);const text=await response.text();
  let shown=text;try{shown=JSON.stringify(JSON.parse(text),null,2)}catch{}
  out.append(el("p",response.status+" "+response.statusText+" · "+Math.round(performance.now()-started)+" ms","line st s"+String(response.status)[0]));
  out.append(el("pre",[...response.headers].map(([k,v])=>k+": "+v).join("\\n")));
  if(shown)out.append(el("pre",shown));
 }catch(error){out.append(el("p",String(error),"line"))}
 const curl=["curl -i -X "+init.method+" "+q(location.origin+url)];
 if(token.value)curl.push('-H "Authorization: Bearer $CALENDAR_KEY"');
 for(const[k,v]of Object.entries(headers))curl.push("-H "+q(k+": "+v));
 if(init.body)curl.push("-H 'Content-Type: application/json' --data "+q(init.body));
 out.append(el("p","As curl:","sum"),el("pre",curl.join(" \\\\\\n  ")));
});
`;
