"""Sums a wasm's functions by crate, for docs/BENCHMARKS.md ("Where the wasm's bytes go").

Usage, on a wasm that kept its names (wasm-opt -Oz -g):
    twiggy top -n 100000 -f csv named.wasm > top.csv
    wasm-opt named.wasm --print-call-graph -o /dev/null > calls.dot
    python3 scripts/twiggy-groups.py top.csv calls.dot

A function component's body is inlined into Yew's generic `CompStateInner<COMP>::view`;
its owner is named from the components its view calls.
"""
import csv, re, sys, collections
wasm_top = sys.argv[1]; cg = sys.argv[2]
rows = list(csv.DictReader(open(wasm_top)))
edges = collections.defaultdict(set)
for line in open(cg):
    m = re.match(r'\s*"(.*)" -> "(.*)"; // call', line)
    if m: edges[m.group(1)].add(m.group(2))
def comp_of(name):
    ms = re.findall(r'sala::(?:components|pages)::(\w+)', name)
    return ms[0] if ms else None
def view_owner(name):
    seen=set(); stack=[name]; found=collections.Counter()
    depth=0
    frontier=[name]
    for depth in range(2):
        nxt=[]
        for f in frontier:
            for c in edges.get(f,()):
                if c in seen: continue
                seen.add(c); nxt.append(c)
                k=comp_of(c)
                if k: found[k]+=1
        if found: break
        frontier=nxt
    return found.most_common(1)[0][0] if found else '?'
def cat(n):
    if n.startswith('"function names"') : return None
    if n.startswith('data segment'): return 'data segments (strings, tables)'
    if 'CompStateInner<COMP>' in n and '::view::' in n: return 'sala components (view, inlined): ' + view_owner(n)
    m = re.search(r'sala::(components|pages)::(\w+)', n)
    if m and not n.startswith('core::ptr::drop_in_place') : return 'sala::%s::%s' % (m.group(1), m.group(2))
    if n.startswith('core::ptr::drop_in_place'): return 'drop glue'
    m = re.search(r'sala::call::(\w+)', n)
    if m and not n.startswith('<yew') : return 'sala::call::' + (m.group(1) if m.group(1)[0].islower() and m.group(1) not in ('Engine','CallHandle') else 'mod')
    for p, c in [('sala_protocol','sala_protocol'),('sala_ladder','sala_ladder'),('sala::state','sala::state'),('sala::i18n','sala::i18n'),('sala::api','sala::api'),('sala::hooks','sala::hooks'),('sala::','sala (other)'),
                 ('serde_json','serde_json'),('serde','serde'),('core::fmt','core::fmt'),('yew','yew'),('implicit_clone','yew'),
                 ('wasm_bindgen_futures','wasm_bindgen_futures'),('wasm_bindgen','wasm_bindgen glue'),('js_sys','js_sys/web_sys'),('web_sys','js_sys/web_sys'),('gloo','gloo'),('futures','futures'),('talc','talc'),
                 ('Closure(','wasm_bindgen glue'),('externref','wasm_bindgen glue'),('__wbg','wasm_bindgen glue'),('__wbindgen','wasm_bindgen glue'),
                 ('alloc::collections::btree','alloc::btree'),('hashbrown','hashbrown'),('core::slice::sort','core::slice::sort'),('alloc','alloc/std'),('std','alloc/std'),('core','core (other)'),('<T as alloc','alloc/std')]:
        if p in n: return c
    if n.startswith('type[') or n.startswith('import') or n.startswith('export') or n.startswith('table') or n.startswith('elem') or 'section' in n or n.startswith('global') or n.startswith('memory'): return 'wasm structure (types, imports, exports, table)'
    return 'other: ' + n[:40]
agg = collections.Counter(); cnt=collections.Counter(); total=0
for r in rows:
    c = cat(r['Name'])
    if c is None: continue
    s=int(r['ShallowSize']); total+=s; agg[c]+=s; cnt[c]+=1
# coarse group
coarse=collections.Counter()
for c,s in agg.items():
    k = c.split(':')[0] if c.startswith('sala components') else c
    k = 'sala::components/pages (+inlined views)' if (k.startswith('sala components') or k.startswith('sala::components') or k.startswith('sala::pages')) else k
    k = 'sala::call::*' if k.startswith('sala::call') else k
    coarse[k]+=s
print('total (no names section)', total)
for k,s in coarse.most_common(): print('%8d %5.1f%%  %s' % (s, 100*s/total, k))
print()
for k,s in agg.most_common(80): print('%8d %5d  %s' % (s, cnt[k], k))
