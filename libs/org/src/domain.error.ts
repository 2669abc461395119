// The shared kernel's error base, re-exported so the org, auth and work-order contexts import it from one place.
export { DomainError, DomainErrorKind, isDomainError } from '@hotline/common';
