export * from './not-leader.exception.js';
