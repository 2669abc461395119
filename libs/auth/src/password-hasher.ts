import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(hash: string, password: string): Promise<boolean>;
}

/**
 * Argon2id (the @node-rs/argon2 default) with its OWASP-recommended defaults (19 MiB, 2 passes). Prebuilt
 * native binding, no install script.
 */
@Injectable()
export class Argon2PasswordHasher extends PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A malformed stored hash is a failed login, never a 500 that tells the caller something.
      return false;
    }
  }
}
