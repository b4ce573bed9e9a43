import type { JobStatus } from '@/api/types'

type TagType = 'default' | 'info' | 'success' | 'warning' | 'error'

/** One colour per status, used by chips and progress bars alike. */
export const STATUS_STYLE: Record<JobStatus, { type: TagType; label: string; color: string }> = {
  queued: { type: 'default', label: 'queued', color: '#6b7280' },
  running: { type: 'info', label: 'running', color: '#2563eb' },
  succeeded: { type: 'success', label: 'succeeded', color: '#16a34a' },
  failed: { type: 'error', label: 'failed', color: '#dc2626' },
  cancelled: { type: 'warning', label: 'cancelled', color: '#d97706' },
}

export function statusStyle(status: string): { type: TagType; label: string; color: string } {
  return STATUS_STYLE[status as JobStatus] ?? { type: 'default', label: status, color: '#6b7280' }
}
