import { Role } from './role.enum';

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string;
  active: boolean;
}

/** Only the auth context reads the hash. */
export interface UserWithCredentials extends User {
  passwordHash: string;
}
