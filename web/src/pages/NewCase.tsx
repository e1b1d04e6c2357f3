// Open a case by pasting seeds, with chain, model, block range, hop limit and label files;
// it is traced at once and the case page shows the progress.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorBox } from '../components/common';
import { navigate } from '../router';
import { useSession } from '../session';

const MODELS = [
  ['fifo', 'FIFO — oldest funds leave first (default)'],
  ['lifo', 'LIFO — newest funds leave first'],
  ['haircut', 'Haircut — every outflow tainted pro rata'],
  ['poison', 'Poison — everything after the first taint'],
  ['tiho', 'TIHO — taint goes to the largest outflows'],
] as const;

/** One seed a line: an address, a transaction hash, `txhash:logIndex`, `txid:vout`, or `txhash:tx` / `txhash:call:0.1` (a native or internal transfer). */
export function parseSeeds(text: string): Record<string, unknown>[] {
  return text.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean).map((line) => {
    const m = /^(0x)?([0-9a-fA-F]{64}):(\d+)$/.exec(line);
    if (m) return { txHash: `${m[1] ?? ''}${m[2]}`, index: Number(m[3]) };
    const r = /^(0x)?([0-9a-fA-F]{64}):(tx|call:[\d.]+)$/.exec(line);
    if (r) return { txHash: `${r[1] ?? ''}${r[2]}`, ref: r[3] };
    if (/^(0x)?[0-9a-fA-F]{64}$/.test(line)) return { txHash: line };
    return { address: line };
  });
}

export function NewCasePage() {
  const { chains } = useSession();
  const [form, setForm] = useState({ title: '', reference: '', chain: chains.find((c) => c.name === 'ethereum') ? 'ethereum' : chains[0]?.name ?? '', seeds: '', model: 'fifo', fromBlock: '', toBlock: '', maxHops: '' });
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [step, setStep] = useState('');
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const seeds = parseSeeds(form.seeds);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      for (const file of files) {
        setStep(`Importing labels from ${file.name}`);
        const yaml = /\.ya?ml$/i.test(file.name);
        await api('/v1/labels', { method: 'POST', body: await file.text(), contentType: yaml ? 'application/yaml' : 'text/csv' });
      }
      setStep('Creating the case');
      const body: Record<string, unknown> = { title: form.title.trim(), chain: form.chain, seeds, model: form.model };
      if (form.reference.trim()) body.reference = form.reference.trim();
      for (const k of ['fromBlock', 'toBlock', 'maxHops'] as const) if (form[k].trim()) body[k] = Number(form[k]);
      const created = await api<{ id: string }>('/v1/cases', { method: 'POST', body });
      setStep('Starting the trace');
      await api(`/v1/cases/${created.id}/trace`, { method: 'POST' });
      navigate(`/cases/${created.id}`);
    } catch (err) {
      setError(err);
      setStep('');
    }
  };

  return (
    <section aria-labelledby="new-case-title" className="narrow">
      <h1 id="new-case-title">New case</h1>
      <form className="card form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="title">Title</label>
          <input id="title" required maxLength={200} value={form.title} onChange={set('title')} placeholder="Victim report 4711 — pig butchering" />
        </div>
        <div className="field">
          <label htmlFor="reference">Reference <span className="muted">(optional)</span></label>
          <input id="reference" maxLength={200} value={form.reference} onChange={set('reference')} placeholder="FIU-2026-0042" />
        </div>
        <div className="field">
          <label htmlFor="chain">Chain</label>
          <select id="chain" value={form.chain} onChange={set('chain')}>
            {chains.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="seeds">Seeds</label>
          <textarea id="seeds" required rows={5} value={form.seeds} onChange={set('seeds')} aria-describedby="seeds-hint" spellCheck={false}
            placeholder={'0x… victim payment transaction\n0x…:3  (one token transfer: txhash:logIndex)\n0x… scam wallet address'} />
          <p id="seeds-hint" className="hint">One a line: a wallet address, a transaction hash (the victim's payment), <code>txhash:logIndex</code> or <code>txid:vout</code>.
            {seeds.length ? ` ${seeds.length} seed${seeds.length > 1 ? 's' : ''}: ${seeds.filter((s) => 'address' in s).length} address(es), ${seeds.filter((s) => 'txHash' in s).length} transaction(s).` : ''}</p>
        </div>
        <div className="field">
          <label htmlFor="model">Taint model</label>
          <select id="model" value={form.model} onChange={set('model')}>
            {MODELS.map(([m, text]) => <option key={m} value={m}>{text}</option>)}
          </select>
        </div>
        <div className="row">
          <div className="field"><label htmlFor="fromBlock">From block</label><input id="fromBlock" inputMode="numeric" pattern="\d*" value={form.fromBlock} onChange={set('fromBlock')} placeholder="seeds' first activity" /></div>
          <div className="field"><label htmlFor="toBlock">To block</label><input id="toBlock" inputMode="numeric" pattern="\d*" value={form.toBlock} onChange={set('toBlock')} placeholder="confirmed tip" /></div>
          <div className="field"><label htmlFor="maxHops">Hop limit</label><input id="maxHops" inputMode="numeric" pattern="\d*" value={form.maxHops} onChange={set('maxHops')} placeholder="10" /></div>
        </div>
        <div className="field">
          <label htmlFor="labels">Label files <span className="muted">(optional: CSV or GraphSense TagPack YAML)</span></label>
          <input id="labels" type="file" multiple accept=".csv,.yaml,.yml,text/csv,application/yaml" onChange={(e) => setFiles([...(e.target.files ?? [])])} />
        </div>
        <ErrorBox error={error} />
        {step ? <p role="status" className="muted">{step}…</p> : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={!!step || !seeds.length || !form.title.trim()}>Create and trace</button>
        </div>
      </form>
    </section>
  );
}
