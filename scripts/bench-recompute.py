#!/usr/bin/env python3
"""The background quality recompute of a whole catalog, in a running server (issue 4).

Usage: scripts/bench-recompute.py DATA_DIR [PIM_BINARY]
DATA_DIR holds a generated catalog (pim --data-dir DATA_DIR generate --products N). The script
starts `pim serve` on it, waits until the search index reflects the change log, gives the first
channel a locale it does not have yet (so every product's completeness changes), then times the
`quality_recompute` job the server runs in the background, and how long the search index takes to
reflect every recomputed product.
"""
import json, subprocess, time, urllib.request, sys, os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
if len(sys.argv) < 2:
    sys.exit(__doc__)
DIR=sys.argv[1]; BIN=sys.argv[2] if len(sys.argv) > 2 else 'target/release/pim'
URL='http://127.0.0.1:' + os.environ.get('PORT', '18200')
env=dict(os.environ, PIM_LOG_LEVEL='warn')
subprocess.run([BIN,'--data-dir',DIR,'user','create','--email','bench-admin@pim.local','--role','admin'],env=env,capture_output=True)
tok=subprocess.run([BIN,'--data-dir',DIR,'token','create','--name','bench-recompute-%d' % time.time(),'--role','admin','--owner','bench-admin@pim.local'],env=env,capture_output=True,text=True).stdout.strip().splitlines()[-1]
srv=subprocess.Popen([BIN,'--data-dir',DIR,'serve','--listen',URL[len('http://'):]],env=env,stdout=open(DIR+'/serve.log','w'),stderr=subprocess.STDOUT)
def gql(q,v=None):
    req=urllib.request.Request(URL+'/graphql',data=json.dumps({'query':q,'variables':v or {}}).encode(),headers={'Content-Type':'application/json','Authorization':'Bearer '+tok})
    r=json.load(urllib.request.urlopen(req,timeout=120))
    if r.get('errors'): raise SystemExit(r['errors'])
    return r['data']
for _ in range(240):
    try:
        urllib.request.urlopen(URL+'/health/ready',timeout=2); break
    except Exception: time.sleep(0.5)
# Let the indexer build its index first (a fresh data directory), so the run measures the recompute.
t0=time.time()
while True:
    d=gql('{ changes(since: 0, first: 1) { head } search(first: 1) { position } }')
    if d['search']['position']>=d['changes']['head']: break
    time.sleep(2)
print(f'index ready after {time.time()-t0:.1f} s')
ch=gql('{ channels { code locales { code } currencies { code } categoryTree { code } } }')['channels'][0]
print('channel', ch['code'], [l['code'] for l in ch['locales']])
all_locales=[l['code'] for l in gql('{ locales { code } }')['locales']]
candidates=[c for c in ('it_IT','es_ES','nl_NL','sv_SE','da_DK','fi_FI','cs_CZ','pt_PT') if c not in [x['code'] for x in ch['locales']]]
if not candidates:
    sys.exit('the channel already has every locale this script adds')
new=candidates[0]
if new not in all_locales:
    gql('mutation($c: String!) { saveLocale(input: {code: $c, label: $c}) { code } }',{'c':new})
extra=[new]
locales=list(dict.fromkeys([l['code'] for l in ch['locales']]))+[extra[0]]
start=time.time()
gql('mutation($i: ChannelInput!) { saveChannel(input: $i) { code } }',{'i':{'code':ch['code'],'locales':locales,'currencies':[c['code'] for c in ch['currencies']],'categoryTree':ch['categoryTree']['code']}})
print('channel', ch['code'], 'now has locales', locales)
while True:
    jobs=gql('{ jobs(kind: "quality_recompute") { id state total done started finished error } }')['jobs']
    j=jobs[0]
    if j['state'] in ('done','failed'): break
    time.sleep(1)
print(json.dumps(j))
print(f'wall from the save to the job done: {time.time()-start:.1f} s')
while True:
    d=gql('{ changes(since: 0, first: 1) { head } search(first: 1) { position } }')
    if d['search']['position']>=d['changes']['head']: break
    time.sleep(1)
print(f'index reflects every recomputed product {time.time()-start:.1f} s after the save')
srv.terminate(); srv.wait()
