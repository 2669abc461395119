import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { WorkOrderChangeNotifier } from './work-order-change.notifier';

/** POST /api/work-orders (intake) and POST /api/work-orders/:id/<command>. */
const COMMAND_PATH = /^\/api\/work-orders(?:\/([^/]+)\/([a-z-]+))?\/?$/;

interface CommandAnswer {
  workOrder?: { id?: unknown };
}

/**
 * Work-order commands live in libs/work-orders, which knows nothing of sockets: a successful command's
 * answer is the signal that the order changed. Applied globally, it only acts on work-order POSTs.
 */
@Injectable()
export class WorkOrderChangeInterceptor implements NestInterceptor {
  private readonly logger = new Logger(WorkOrderChangeInterceptor.name);

  constructor(private readonly notifier: WorkOrderChangeNotifier) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ method: string; path?: string; url: string }>();
    const match = request.method === 'POST' ? COMMAND_PATH.exec(request.path ?? request.url.split('?')[0] ?? '') : null;
    if (!match) return next.handle();
    const command = match[2] ?? 'intake';
    return next.handle().pipe(
      tap((answer: unknown) => {
        const orderId = (answer as CommandAnswer | null)?.workOrder?.id;
        if (typeof orderId !== 'string') return;
        // The command is committed; a failed notification must not turn its answer into an error.
        this.notifier.changed(orderId, command).catch((error: unknown) =>
          this.logger.error(`Could not notify work-order ${orderId} (${command}): ${error instanceof Error ? error.message : String(error)}`),
        );
      }),
    );
  }
}
