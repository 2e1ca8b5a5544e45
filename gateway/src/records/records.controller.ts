import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  EXTERNAL_ID_PATTERN,
  type AnchorResult,
  type BatchResult,
  type ContentLookup,
  type RecordHistory,
  type VerifyResult,
} from '@consent-ledger/ledger-api';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { idPipe } from '../common/id.pipe.js';
import {
  AnchorBatchDto,
  AnchorRecordDto,
  RecordQueryDto,
  VerifyRecordDto,
} from './anchor-record.dto.js';
import { hashingStorage, type HashedUpload } from './hashing-storage.engine.js';
import { RecordsService } from './records.service.js';

/** Largest upload hashed in one request (bytes). */
const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

const upload = FileInterceptor('file', {
  storage: hashingStorage(),
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 16, fieldSize: 4096 },
});

/** The digest of a request: the uploaded file's, or the JSON one; both must agree when both are given. */
function digestOf(file: HashedUpload | undefined, given: string | undefined): string {
  if (file !== undefined) {
    if (given !== undefined && given !== file.sha256)
      throw new InvalidArgumentError('sha256 does not match the uploaded file');
    return file.sha256;
  }
  if (given === undefined) throw new InvalidArgumentError('give sha256 or upload a file');
  return given;
}

/** Record fingerprints: anchoring, batches, verification. */
@ApiTags('records')
@ApiBearerAuth()
@Controller('records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  /** Anchors a record's SHA-256 (JSON with sha256, or multipart with a `file` hashed in flight). */
  @Post()
  @Authorize('records:AnchorRecord')
  @UseInterceptors(upload)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: '{recordId, version, txId, anchor}' })
  anchor(
    @CurrentUser() caller: Principal,
    @Body() body: AnchorRecordDto,
    @UploadedFile() file: HashedUpload | undefined,
  ): Promise<AnchorResult> {
    return this.records.anchor(caller, {
      recordId: body.recordId,
      patientId: body.patientId,
      category: body.category,
      sha256: digestOf(file, body.sha256),
    });
  }

  /** Anchors up to 100,000 records as one RFC 6962 Merkle batch; answers each item's proof. */
  @Post('batches')
  @Authorize('records:AnchorBatch')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: '{batchId, root, size, txId, proofs}' })
  anchorBatch(
    @CurrentUser() caller: Principal,
    @Body() body: AnchorBatchDto,
  ): Promise<BatchResult> {
    return this.records.anchorBatch(caller, body);
  }

  /** Verifies a digest (JSON sha256, or a multipart `file`) against the ledger. */
  @Post('verify')
  @Authorize('records:VerifyRecord')
  @HttpCode(200)
  @UseInterceptors(upload)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: VerifyRecordDto })
  @ApiOkResponse({ description: '{verified, reason, anchor?, proof?}' })
  verify(
    @CurrentUser() caller: Principal,
    @Body() body: VerifyRecordDto,
    @UploadedFile() file: HashedUpload | undefined,
  ): Promise<VerifyResult> {
    return this.records.verify(caller, {
      recordId: body.recordId,
      sha256: digestOf(file, body.sha256),
      ...(body.version === undefined ? {} : { version: body.version }),
      ...(body.owner === undefined ? {} : { owner: body.owner }),
      ...(body.batchProof === undefined ? {} : { batchProof: body.batchProof }),
    });
  }

  /**
   * Finds a document by its content alone (no record ID): every anchor with this SHA-256, record
   * versions of any owner and this organization's batch items.
   */
  @Get('by-hash/:sha256')
  @Authorize('records:FindAnchorsByHash')
  @ApiOkResponse({
    description:
      '{sha256, matches: [{kind, owner, recordId, version?, latestVersion?, latest, batchId?, timestamp, txId}], truncated}',
  })
  findByHash(
    @CurrentUser() caller: Principal,
    @Param('sha256') sha256: string,
  ): Promise<ContentLookup> {
    return this.records.findByHash(caller, sha256);
  }

  /** A record's anchored versions (`?owner=`: another organization's record of the ID). */
  @Get(':recordId')
  @Authorize('records:GetRecord')
  get(
    @CurrentUser() caller: Principal,
    @Param('recordId', idPipe(EXTERNAL_ID_PATTERN, 'record ID')) recordId: string,
    @Query() query: RecordQueryDto,
  ): Promise<RecordHistory> {
    return this.records.get(caller, {
      recordId,
      ...(query.owner === undefined ? {} : { owner: query.owner }),
    });
  }
}
