import { x } from '@hotline/config'; console.log(x);
