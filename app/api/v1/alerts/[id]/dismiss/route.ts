// POST /api/v1/alerts/:id/dismiss — dismiss a suggestion ({ note? }); a decided one answers 409
import { alertActionRoute } from '@/lib/web/alerts-route';

export const dynamic = 'force-dynamic';

export const POST = alertActionRoute('dismiss');
