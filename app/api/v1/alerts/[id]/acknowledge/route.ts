// POST /api/v1/alerts/:id/acknowledge — acknowledge an alert (once: again changes nothing)
import { alertActionRoute } from '@/lib/web/alerts-route';

export const dynamic = 'force-dynamic';

export const POST = alertActionRoute('acknowledge');
