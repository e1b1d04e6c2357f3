// The trace report, readable: every amount in display units with its symbol, and any
// section or field the page does not know shown as data rather than dropped.
import { Badge, ExtraFields, Hash, Labels, Value } from '../components/common';
import { AssetBook, percent } from '../format';
import type { Report } from '../types';

const KNOWN = ['chain', 'model', 'seeds', 'endpoints', 'exposure', 'holdings', 'stopped', 'accounting', 'limitations', 'stats', 'hops', 'fromBlock', 'toBlock', 'toBlockHash'];
const ENDPOINT_KNOWN = ['address', 'entity', 'category', 'attribution', 'asset', 'amount', 'hops', 'paths', 'symbol', 'decimals', 'labels', 'firstSeen', 'lastSeen', 'sweptTo'];

export function ReportView({ report, book }: { report: Report; book: AssetBook }) {
  const accounting = (report.accounting ?? []) as Record<string, unknown>[];
  return (
    <div className="report">
      <div className="cards">
        {accounting.map((a) => {
          const asset = String(a.asset);
          return (
            <div className="stat card" key={asset}>
              <h2 className="stat-title">{book.get(asset).symbol}</h2>
              <dl>
                <div><dt>seeded</dt><dd>{book.amount(a.seeded as string, asset)}</dd></div>
                <div><dt>reached services</dt><dd>{book.amount(a.endpoints as string, asset)}</dd></div>
                <div><dt>still held</dt><dd>{book.amount(a.holdings as string, asset)}</dd></div>
                <div><dt>not followed</dt><dd>{book.amount(a.stopped as string, asset)}</dd></div>
                <div><dt>fees</dt><dd>{book.amount(a.fees as string, asset)}</dd></div>
              </dl>
            </div>
          );
        })}
      </div>

      <h2>Exposure</h2>
      {report.exposure.length ? (
        <table className="data">
          <caption className="sr-only">Tainted value that reached each entity, per asset, with its share of what the seeds put in</caption>
          <thead><tr><th scope="col">Entity</th><th scope="col">Category</th><th scope="col" className="num">Amount</th><th scope="col" className="num">Share</th><th scope="col" className="bar-col">Share of seeded</th></tr></thead>
          <tbody>
            {[...report.exposure].sort((a, b) => b.share - a.share).map((x, i) => (
              <tr key={i}>
                <td><strong>{x.entity}</strong></td>
                <td><Badge kind={x.category}>{x.category}</Badge></td>
                <td className="num">{book.amount(x.amount, x.asset)}</td>
                <td className="num">{percent(x.share)}</td>
                <td className="bar-col"><span className="bar" style={{ width: `${Math.min(100, x.share * 100)}%` }} aria-hidden="true" /></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="muted">The tainted funds reached no attributed service.</p>}

      <h2>Endpoints <span className="muted small">where tracing stopped at a service</span></h2>
      {report.endpoints.length ? (
        <table className="data">
          <caption className="sr-only">Endpoints with their attribution, labels, hop count and paths</caption>
          <thead><tr><th scope="col">Address</th><th scope="col">Entity</th><th scope="col">Attribution</th><th scope="col">Labels</th><th scope="col" className="num">Hops</th><th scope="col" className="num">Amount</th><th scope="col">Paths</th></tr></thead>
          <tbody>
            {report.endpoints.map((e, i) => (
              <tr key={i}>
                <td><Hash value={e.address} href={book.explorerAddress(e.address)} /></td>
                <td>{e.entity ?? <span className="muted">—</span>} {e.category ? <Badge kind={e.category}>{e.category}</Badge> : null}</td>
                <td>{e.attribution}{Array.isArray(e.sweptTo) && e.sweptTo.length ? <div className="muted small">swept to {(e.sweptTo as string[]).map((s) => <Hash key={s} value={s} href={book.explorerAddress(s)} />)}</div> : null}</td>
                <td><Labels labels={e.labels} /></td>
                <td className="num">{e.hops}</td>
                <td className="num">{book.amount(e.amount, e.asset)}</td>
                <td>
                  <details>
                    <summary>{e.paths.length} path{e.paths.length === 1 ? '' : 's'}</summary>
                    <ol className="paths">{e.paths.map((p, j) => <li key={j}>{p.map((tx, k) => <span key={k}>{k ? ' → ' : ''}<Hash value={tx} href={book.explorerTx(tx)} /></span>)}</li>)}</ol>
                  </details>
                  <ExtraFields value={e} known={ENDPOINT_KNOWN} title="More" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="muted">No endpoints.</p>}

      <h2>Holdings <span className="muted small">tainted funds still sitting at unattributed wallets</span></h2>
      {report.holdings.length ? (
        <table className="data">
          <caption className="sr-only">Holdings</caption>
          <thead><tr><th scope="col">Address</th><th scope="col" className="num">Hops</th><th scope="col" className="num">Amount</th></tr></thead>
          <tbody>
            {report.holdings.map((h, i) => (
              <tr key={i}><td><Hash value={h.address} href={book.explorerAddress(h.address)} /></td><td className="num">{h.hops}</td><td className="num">{book.amount(h.amount, h.asset)}</td></tr>
            ))}
          </tbody>
        </table>
      ) : <p className="muted">No tainted funds left at unattributed wallets.</p>}

      <h2>Not followed</h2>
      {report.stopped && report.stopped.length ? (
        <table className="data">
          <caption className="sr-only">Tainted value that was not followed further, and why</caption>
          <thead><tr><th scope="col">Address</th><th scope="col">Why</th><th scope="col" className="num">Amount</th></tr></thead>
          <tbody>
            {report.stopped.map((s, i) => (
              <tr key={i}>
                <td>{s.address ? <Hash value={s.address} href={book.explorerAddress(s.address)} /> : '—'}</td>
                <td><Badge kind="stopped">{String(s.reason ?? '—')}</Badge></td>
                <td className="num">{s.asset ? book.amount(s.amount ?? null, s.asset) : <Value value={s.amount} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="muted">Everything tainted was followed to an endpoint or a holding.</p>}

      <h2>Accounting and limitations</h2>
      <p className="muted">For every model but poison: seeded = reached services + still held + not followed + fees, exactly.</p>
      {accounting.length ? (
        <table className="data">
          <caption className="sr-only">Accounting per asset</caption>
          <thead><tr><th scope="col">Asset</th><th scope="col" className="num">Seeded</th><th scope="col" className="num">Endpoints</th><th scope="col" className="num">Holdings</th><th scope="col" className="num">Not followed</th><th scope="col" className="num">Fees</th><th scope="col" className="num">Balance gaps</th></tr></thead>
          <tbody>
            {accounting.map((a, i) => {
              const asset = String(a.asset);
              return (
                <tr key={i}>
                  <td>{book.get(asset).symbol}</td>
                  {(['seeded', 'endpoints', 'holdings', 'stopped', 'fees'] as const).map((k) => <td key={k} className="num">{book.amount(a[k] as string, asset)}</td>)}
                  <td className="num">{String(a.balanceGaps ?? '—')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {report.limitations?.length ? <ul className="limitations">{report.limitations.map((l, i) => <li key={i}>{l}</li>)}</ul> : <p className="muted">No limitations reported.</p>}
      <p className="muted small">
        Blocks {report.fromBlock ?? '?'}–{report.toBlock ?? '?'}{report.toBlockHash ? <> (tip <Hash value={report.toBlockHash} />)</> : null}
        {report.stats ? <> · {Object.entries(report.stats).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k} ${String(v)}`).join(' · ')}</> : null}
      </p>
      <ExtraFields value={report} known={KNOWN} title="Other report sections" />
    </div>
  );
}
