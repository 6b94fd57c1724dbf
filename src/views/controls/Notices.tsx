/** Warnings about the link, resumed runs and training errors, each dismissible. */
import { useAppStore } from '../../state/store.ts';

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismissNotice = useAppStore((s) => s.dismissNotice);
  const lastError = useAppStore((s) => s.lastError);
  return (
    <div className="notices" data-testid="notices">
      {lastError ? (
        <div className="notice notice-error" role="alert" data-testid="error-notice" data-kind={lastError.kind}>
          <p>{lastError.message}</p>
        </div>
      ) : null}
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.tone}`} role={notice.tone === 'info' ? 'status' : 'alert'} data-testid={`notice-${notice.id}`}>
          <p>{notice.title}</p>
          {notice.items?.length ? (
            <ul>
              {notice.items.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          ) : null}
          <button type="button" className="notice-close" aria-label="Dismiss this notice" onClick={() => dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
