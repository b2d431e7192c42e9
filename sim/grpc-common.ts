// What the simulator's gRPC services share: unary handler types and Google's error form.
import type * as grpc from '@grpc/grpc-js';

export type Callback = grpc.sendUnaryData<unknown>;
export type Call = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;

export const fail = (cb: Callback, code: grpc.status, details: string) =>
  cb({ code, details, name: 'Error', message: details });
