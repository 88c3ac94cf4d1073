// POST /api/v1/alerts/:id/snooze — hide an alert from the open list for { minutes } or { until }
import { alertActionRoute } from '@/lib/web/alerts-route';

export const dynamic = 'force-dynamic';

export const POST = alertActionRoute('snooze');
